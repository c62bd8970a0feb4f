//! Bloom filter files: a fixed little-endian header, then the bits.
//!
//! ```text
//! offset  size  field (format version 2, written by this code)
//!      0     8  magic  b"DTBLOOM\0"
//!      8     4  format version (u32, 2)
//!     12     4  number of hash functions k (u32)
//!     16     8  number of bits m (u64, a multiple of 64; of 512 for the blocked layout)
//!     24     8  seed (u64)
//!     32     4  layout (u32: 0 standard, 1 blocked)
//!     36    20  reserved, zero
//!     56     8  checksum: XXH3-64 (seed 0) of bytes 0..56 followed by the bits
//!     64   m/8  the bits, as m/64 little-endian u64 words (bit i is bit i%64 of word i/64)
//! ```
//!
//! The 64-byte header keeps the bits of a memory-mapped file cache-line aligned (the mapping is
//! page aligned), so a block of the blocked layout is one line there too. Version 1 files, written
//! before layouts existed, are still read, as the standard layout: their header is 40 bytes, with
//! no layout field and the checksum (of bytes 0..32, then the bits) at offset 32.
//!
//! Loading checks the magic, the version, the header's sanity, the exact file length (so a
//! truncated file is named as such) and the checksum, then compares the parameters with the ones
//! the caller asked for: a filter written with another layout or other parameters is an error,
//! never a silent mismatch. Loading either copies the bits into memory (a writable filter) or
//! memory-maps the file read-only (queries only; nothing is copied, the page cache holds the bits).
//! The checksum is verified in both modes, which reads the file once. A mapped file must not be
//! modified while it is mapped. Saving writes to a temporary name beside the target and renames it
//! into place, so a crash never leaves a half-written filter under the final name.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use xxhash_rust::xxh3::Xxh3;

use super::bits::Bits;
use super::layout::Layout;
use super::sizing::MAX_BITS;
use super::BloomFilter;
use crate::error::{Error, Result};

/// The first eight bytes of every Bloom filter file.
pub const MAGIC: [u8; 8] = *b"DTBLOOM\0";
/// The format version this code writes (it also reads version 1).
pub const VERSION: u32 = 2;
/// Header length in bytes of the version written (a multiple of 64: the bits stay line aligned).
pub const HEADER_LEN: usize = 64;
/// Where the checksum sits in a version 2 header; it covers the bytes before it.
const CHECKSUM_AT: usize = 56;

/// Parameters a loaded file must have; `None` is not checked.
#[derive(Debug, Default, Clone, Copy)]
pub struct Expected {
    pub layout: Option<Layout>,
    pub num_bits: Option<u64>,
    pub num_hashes: Option<u32>,
    pub seed: Option<u64>,
}

const CHUNK_WORDS: usize = 1 << 17; // 1 MiB

/// The version 2 header up to the checksum.
fn header_fields(layout: Layout, num_hashes: u32, num_bits: u64, seed: u64) -> [u8; CHECKSUM_AT] {
    let mut h = [0u8; CHECKSUM_AT];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&num_hashes.to_le_bytes());
    h[16..24].copy_from_slice(&num_bits.to_le_bytes());
    h[24..32].copy_from_slice(&seed.to_le_bytes());
    h[32..36].copy_from_slice(&layout.code().to_le_bytes());
    h
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

impl BloomFilter {
    /// Write the filter to `path` (atomically: temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = temp_path(path);
        let result = self.write_to(&tmp).and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn write_to(&self, path: &Path) -> Result<()> {
        let io = |e| Error::io(path, e);
        let file = File::create(path).map_err(io)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let head = header_fields(self.layout, self.num_hashes, self.num_bits, self.seed);
        let mut sum = Xxh3::with_seed(0);
        sum.update(&head);
        out.write_all(&head).map_err(io)?;
        out.write_all(&[0u8; 8]).map_err(io)?; // checksum, filled in below
        let mut buf = Vec::with_capacity(CHUNK_WORDS * 8);
        let n = self.bits.len();
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK_WORDS).min(n);
            buf.clear();
            match (self.bits.atomics(), self.bits.mapped()) {
                (Some(w), _) => {
                    for x in &w[start..end] {
                        buf.extend_from_slice(&x.load(Ordering::Relaxed).to_le_bytes());
                    }
                }
                (None, Some(w)) => {
                    for x in &w[start..end] {
                        buf.extend_from_slice(&u64::from_le(*x).to_le_bytes());
                    }
                }
                (None, None) => {}
            }
            sum.update(&buf);
            out.write_all(&buf).map_err(io)?;
            start = end;
        }
        out.seek(SeekFrom::Start(CHECKSUM_AT as u64)).map_err(io)?;
        out.write_all(&sum.digest().to_le_bytes()).map_err(io)?;
        let file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(())
    }

    /// Load a filter from `path`, checking it against `expected`. With `mmap`, the bits are mapped
    /// read-only (queries only); otherwise they are copied into a writable filter.
    pub fn load(path: &Path, expected: &Expected, mmap: bool) -> Result<BloomFilter> {
        let io = |e| Error::io(path, e);
        let mut file = File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut head = [0u8; HEADER_LEN];
        let shorter = |len: u64| Error::corrupt(path, format!("truncated: {len} bytes, shorter than the header"));
        if len < 12 {
            return Err(shorter(len));
        }
        file.read_exact(&mut head[..12]).map_err(io)?;
        if head[0..8] != MAGIC {
            return Err(Error::corrupt(path, "bad magic bytes, not a dolma-tools Bloom filter"));
        }
        let u32_at = |h: &[u8], o: usize| u32::from_le_bytes(h[o..o + 4].try_into().unwrap_or_default());
        let u64_at = |h: &[u8], o: usize| u64::from_le_bytes(h[o..o + 8].try_into().unwrap_or_default());
        // (header length, checksum offset) of each version read.
        let (head_len, sum_at) = match u32_at(&head, 8) {
            1 => (40, 32),
            VERSION => (HEADER_LEN, CHECKSUM_AT),
            v => {
                return Err(Error::corrupt(path, format!("unsupported format version {v} (this build reads 1 and {VERSION})")))
            }
        };
        if len < head_len as u64 {
            return Err(shorter(len));
        }
        file.read_exact(&mut head[12..head_len]).map_err(io)?;
        let (num_hashes, num_bits, seed, stored_sum) =
            (u32_at(&head, 12), u64_at(&head, 16), u64_at(&head, 24), u64_at(&head, sum_at));
        let layout = match head_len {
            HEADER_LEN => Layout::from_code(u32_at(&head, 32))
                .ok_or_else(|| Error::corrupt(path, format!("unknown layout code {}", u32_at(&head, 32))))?,
            _ => Layout::Standard,
        };
        if num_hashes == 0
            || num_hashes > 64
            || num_bits == 0
            || num_bits % layout.bits_multiple() != 0
            || num_bits > MAX_BITS
        {
            return Err(Error::corrupt(
                path,
                format!("impossible header: num_bits={num_bits}, num_hashes={num_hashes}, layout={}", layout.name()),
            ));
        }
        let want_len = head_len as u64 + num_bits / 8;
        if len < want_len {
            return Err(Error::corrupt(path, format!("truncated: {len} bytes, the header announces {want_len}")));
        }
        if len > want_len {
            return Err(Error::corrupt(path, format!("{} trailing bytes after the bits", len - want_len)));
        }
        let mut sum = Xxh3::with_seed(0);
        sum.update(&head[..sum_at]);
        let words = (num_bits / 64) as usize;
        let bits = if mmap {
            // SAFETY: the file is opened read-only and mapped read-only; the documented contract
            // is that a mapped filter file is not modified while mapped.
            let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
            sum.update(&map[head_len..]);
            if map.as_ptr() as usize % 8 != 0 {
                return Err(Error::corrupt(path, "mapping is not 8-byte aligned"));
            }
            Bits::Mapped { map, offset: head_len, words }
        } else {
            let bits = Bits::zeroed(words)?;
            let dst = bits.atomics().unwrap_or(&[]);
            let mut buf = vec![0u8; CHUNK_WORDS * 8];
            let mut start = 0;
            while start < words {
                let end = (start + CHUNK_WORDS).min(words);
                let chunk = &mut buf[..(end - start) * 8];
                file.read_exact(chunk).map_err(io)?;
                sum.update(chunk);
                for (d, b) in dst[start..end].iter().zip(chunk.chunks_exact(8)) {
                    d.store(u64::from_le_bytes(b.try_into().unwrap_or_default()), Ordering::Relaxed);
                }
                start = end;
            }
            bits
        };
        if sum.digest() != stored_sum {
            return Err(Error::corrupt(path, "checksum mismatch (changed since it was written)"));
        }
        let mismatch = |what: &str, file_v: String, want: String| Error::ParameterMismatch {
            path: path.to_path_buf(),
            reason: format!("the filter was written with {what}={file_v}, but {what}={want} was asked for"),
        };
        if let Some(l) = expected.layout.filter(|&l| l != layout) {
            return Err(mismatch("layout", layout.name().into(), l.name().into()));
        }
        if let Some(b) = expected.num_bits.filter(|&b| b != num_bits) {
            return Err(mismatch("num_bits", num_bits.to_string(), b.to_string()));
        }
        if let Some(k) = expected.num_hashes.filter(|&k| k != num_hashes) {
            return Err(mismatch("num_hashes", num_hashes.to_string(), k.to_string()));
        }
        if let Some(s) = expected.seed.filter(|&s| s != seed) {
            return Err(mismatch("seed", seed.to_string(), s.to_string()));
        }
        BloomFilter::from_parts(layout, num_bits, num_hashes, seed, bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloom::Sizing;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("dt-bloom-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn round_trip_in_both_modes() {
        let dir = tmpdir("rt");
        for layout in [Layout::Standard, Layout::Blocked] {
            let path = dir.join(format!("{}.bloom", layout.name()));
            let f = BloomFilter::new(Sizing::for_fp_rate(300_000, 0.01, layout).unwrap(), 9).unwrap();
            for i in 0..1000u32 {
                f.add(&i.to_le_bytes()).unwrap();
            }
            f.save(&path).unwrap();
            for mmap in [false, true] {
                let want = Expected { seed: Some(9), layout: Some(layout), ..Default::default() };
                let g = BloomFilter::load(&path, &want, mmap).unwrap();
                assert_eq!(
                    (g.layout(), g.num_bits(), g.num_hashes(), g.seed()),
                    (layout, f.num_bits(), f.num_hashes(), 9)
                );
                assert!((0..1000u32).all(|i| g.contains(&i.to_le_bytes())));
                let mut out = vec![false; 1000];
                g.contains_batch(&mut out, |i| g.key_hash(&(i as u32).to_le_bytes()));
                assert!(out.iter().all(|&x| x));
                assert_eq!(g.count_ones(), f.count_ones());
                assert!((g.estimated_fp_rate() - f.estimated_fp_rate()).abs() <= f.estimated_fp_rate() * 1e-9);
                assert_eq!(g.is_read_only(), mmap);
                assert_eq!(g.add(b"x").is_err(), mmap);
                assert_eq!(g.insert_if_absent(b"y").is_err(), mmap);
            }
            // A mapped filter saves and unions like any other.
            let g = BloomFilter::load(&path, &Expected::default(), true).unwrap();
            g.save(&dir.join("g.bloom")).unwrap();
            assert_eq!(std::fs::read(dir.join("g.bloom")).unwrap(), std::fs::read(&path).unwrap());
            assert_eq!(f.union(&g).unwrap().count_ones(), f.count_ones());
            // Asking for the other layout is a mismatch, named as such.
            let other = if layout == Layout::Standard { Layout::Blocked } else { Layout::Standard };
            let e = BloomFilter::load(&path, &Expected { layout: Some(other), ..Default::default() }, false);
            let msg = e.map(|_| ()).unwrap_err().to_string();
            assert!(msg.contains(&format!("layout={}, but layout={}", layout.name(), other.name())), "{msg}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn version_1_files_load_as_standard() {
        let dir = tmpdir("v1");
        let path = dir.join("f.bloom");
        let f = BloomFilter::new(Sizing::for_fp_rate(1000, 0.01, Layout::Standard).unwrap(), 5).unwrap();
        f.add(b"old").unwrap();
        f.save(&path).unwrap();
        // The same filter as the version 1 code wrote it: a 40-byte header, checksum at 32.
        let v2 = std::fs::read(&path).unwrap();
        let mut v1 = v2[..32].to_vec();
        v1[8..12].copy_from_slice(&1u32.to_le_bytes());
        let mut sum = Xxh3::with_seed(0);
        sum.update(&v1);
        sum.update(&v2[HEADER_LEN..]);
        v1.extend_from_slice(&sum.digest().to_le_bytes());
        v1.extend_from_slice(&v2[HEADER_LEN..]);
        std::fs::write(&path, &v1).unwrap();
        for mmap in [false, true] {
            let want = Expected { layout: Some(Layout::Standard), seed: Some(5), ..Default::default() };
            let g = BloomFilter::load(&path, &want, mmap).unwrap();
            assert!(g.contains(b"old") && !g.contains(b"new"));
            assert_eq!((g.layout(), g.num_bits()), (Layout::Standard, f.num_bits()));
            let blocked = Expected { layout: Some(Layout::Blocked), ..Default::default() };
            assert!(matches!(BloomFilter::load(&path, &blocked, mmap), Err(Error::ParameterMismatch { .. })));
        }
        std::fs::write(&path, &v1[..v1.len() - 1]).unwrap();
        let e = BloomFilter::load(&path, &Expected::default(), false).map(|_| ()).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn damaged_files_are_clear_errors() {
        let dir = tmpdir("bad");
        let path = dir.join("f.bloom");
        let f = BloomFilter::new(Sizing::for_fp_rate(1000, 0.01, Layout::Standard).unwrap(), 0).unwrap();
        f.add(b"k").unwrap();
        f.save(&path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let load = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            let e = BloomFilter::load(&path, &Expected::default(), false).map(|_| ()).unwrap_err();
            assert!(matches!(e, Error::CorruptFile { .. }), "{e:?}");
            e.to_string()
        };
        assert!(load(&good[..good.len() - 3]).contains("truncated"));
        assert!(load(&good[..10]).contains("truncated"));
        assert!(load(b"").contains("truncated"));
        let mut bad = good.clone();
        bad[0] = b'X';
        assert!(load(&bad).contains("magic"));
        let mut bad = good.clone();
        bad[8] = 7;
        assert!(load(&bad).contains("version"));
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(load(&bad).contains("checksum"));
        let mut extra = good.clone();
        extra.push(0);
        assert!(load(&extra).contains("trailing"));
        let mut bad = good.clone();
        bad[32] = 9;
        assert!(load(&bad).contains("unknown layout code 9"));
        assert!(load(&good[..50]).contains("truncated"));
        std::fs::write(&path, &good).unwrap();
        let e = BloomFilter::load(&path, &Expected { num_hashes: Some(99), ..Default::default() }, true);
        assert!(matches!(e, Err(Error::ParameterMismatch { .. })));
        let e = BloomFilter::load(&dir.join("missing.bloom"), &Expected::default(), false);
        assert!(matches!(e, Err(Error::Io { ref source, .. }) if source.kind() == std::io::ErrorKind::NotFound));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
