//! Zero-copy access to pyarrow string/binary arrays (`string`, `binary`, `large_string`,
//! `large_binary`): the offsets and data buffers are borrowed through the buffer protocol and
//! read in Rust with the GIL released, with no per-element Python object.
//!
//! Nulls are refused (`InvalidArgumentError`): a null key has no bytes to hash, and silently treating it as
//! "" or skipping it would shift or fake results. Fill or drop them first (`pc.drop_null`).

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::error::invalid_argument;

/// One chunk: its buffers, kept alive, and the element window (array offset and length).
pub(crate) struct Chunk {
    offsets: Option<Buf>,
    data: Option<Buf>,
    wide: bool,
    start: usize,
    len: usize,
}

/// The keys of a chunk, as slices of its data buffer (valid while the `Chunk` lives).
pub(crate) struct Keys<'a> {
    offsets: &'a [u8],
    data: &'a [u8],
    wide: bool,
    start: usize,
    pub(crate) len: usize,
}

/// A held buffer of bytes (pyarrow exports format "b", signed; others may export "B").
enum Buf {
    U(PyBuffer<u8>),
    I(PyBuffer<i8>),
}

fn bytes_of(buf: &Option<Buf>) -> &[u8] {
    let (ptr, len) = match buf {
        Some(Buf::U(b)) => (b.buf_ptr(), b.len_bytes()),
        Some(Buf::I(b)) => (b.buf_ptr(), b.len_bytes()),
        None => return &[],
    };
    if len == 0 {
        return &[];
    }
    // SAFETY: a C-contiguous buffer of `len` bytes, held (so alive and, for arrow buffers,
    // immutable) as long as the `PyBuffer`.
    unsafe { std::slice::from_raw_parts(ptr as *const u8, len) }
}

impl Chunk {
    /// Borrow the buffers and check every offset of the window (in bounds, non-decreasing).
    pub(crate) fn keys(&self) -> PyResult<Keys<'_>> {
        let k = Keys { offsets: bytes_of(&self.offsets), data: bytes_of(&self.data), wide: self.wide, start: self.start, len: self.len };
        if k.len == 0 {
            return Ok(k);
        }
        let w = if k.wide { 8 } else { 4 };
        if k.offsets.len() < (k.start + k.len + 1) * w {
            return Err(invalid_argument("arrow offsets buffer too short"));
        }
        let mut prev = k.offset(0)?;
        for i in 1..=k.len {
            let o = k.offset(i)?;
            if o < prev {
                return Err(invalid_argument("arrow offsets decrease"));
            }
            prev = o;
        }
        if prev > k.data.len() {
            return Err(invalid_argument("arrow offsets beyond the data buffer"));
        }
        Ok(k)
    }
}

impl Keys<'_> {
    #[inline(always)]
    fn raw(&self, i: usize) -> i64 {
        let j = self.start + i;
        if self.wide {
            i64::from_le_bytes(self.offsets[j * 8..j * 8 + 8].try_into().unwrap())
        } else {
            i32::from_le_bytes(self.offsets[j * 4..j * 4 + 4].try_into().unwrap()) as i64
        }
    }
    fn offset(&self, i: usize) -> PyResult<usize> {
        usize::try_from(self.raw(i)).map_err(|_| invalid_argument("negative arrow offset"))
    }
    /// Key `i` (offsets checked by `Chunk::keys`).
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        &self.data[self.raw(i) as usize..self.raw(i + 1) as usize]
    }
}

fn buffer(obj: Bound<'_, PyAny>) -> PyResult<Option<Buf>> {
    if obj.is_none() {
        return Ok(None);
    }
    let (b, contiguous) = match PyBuffer::<i8>::get(&obj) {
        Ok(b) => {
            let c = b.is_c_contiguous();
            (Buf::I(b), c)
        }
        Err(_) => {
            let b = PyBuffer::<u8>::get(&obj)?;
            let c = b.is_c_contiguous();
            (Buf::U(b), c)
        }
    };
    if !contiguous {
        return Err(invalid_argument("arrow buffer is not contiguous"));
    }
    Ok(Some(b))
}

fn chunk(arr: &Bound<'_, PyAny>) -> PyResult<Chunk> {
    let ty = arr.getattr("type")?.str()?.to_string();
    let wide = match ty.as_str() {
        "string" | "utf8" | "binary" => false,
        "large_string" | "large_utf8" | "large_binary" => true,
        other => {
            return Err(PyTypeError::new_err(format!(
                "expected a pyarrow string, binary, large_string or large_binary array, got type {other}"
            )))
        }
    };
    let len: usize = arr.len()?;
    let nulls: i64 = arr.getattr("null_count")?.extract()?;
    if nulls != 0 {
        return Err(invalid_argument(format!("arrow array has {nulls} null(s): drop or fill them first")));
    }
    let start: usize = arr.getattr("offset")?.extract()?;
    let bufs: Vec<Bound<'_, PyAny>> = arr.call_method0("buffers")?.extract()?;
    let [_validity, offsets, data]: [Bound<'_, PyAny>; 3] =
        bufs.try_into().map_err(|_| invalid_argument("expected 3 buffers (validity, offsets, data)"))?;
    let (offsets, data) = (buffer(offsets)?, buffer(data)?);
    Ok(Chunk { offsets, data, wide, start, len })
}

/// The chunks of a pyarrow `Array` or `ChunkedArray` of strings or binaries.
pub(crate) fn chunks(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Chunk>> {
    if obj.hasattr("buffers")? {
        return Ok(vec![chunk(obj)?]);
    }
    if obj.hasattr("chunks")? {
        return obj.getattr("chunks")?.try_iter()?.map(|c| chunk(&c?)).collect();
    }
    Err(PyTypeError::new_err(format!(
        "expected a pyarrow Array or ChunkedArray, got {}",
        obj.get_type().name()?
    )))
}
