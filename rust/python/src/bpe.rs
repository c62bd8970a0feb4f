//! `ByteLevelBpe`: a thin wrapper of `dolma_tools_core::bpe`.

use std::path::PathBuf;

use dolma_tools_core::bpe::{ByteLevelBpe, Encoded};
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyUntypedArray};
use pyo3::prelude::*;

use crate::convert::{items, str_slices};
use crate::error::{invalid_argument, IntoPy};

/// A byte-level BPE encoder with exactly the ids of Hugging Face `tokenizers`
/// (`Tokenizer.encode(text, add_special_tokens=False).ids`) for the `tokenizer.json` files it
/// accepts: NFC or no normalizer, the `ByteLevel` pre-tokenizer (GPT-2 pattern), a plain `BPE`
/// model and added tokens without `single_word`/`lstrip`/`rstrip`. Anything else raises
/// `UnsupportedInputError` naming the unsupported part, so that the caller uses `tokenizers`
/// instead.
#[pyclass(frozen, name = "ByteLevelBpe", module = "dolma_tools._core")]
pub(crate) struct PyByteLevelBpe(ByteLevelBpe);

#[pymethods]
impl PyByteLevelBpe {
    /// Build from a `tokenizer.json` file (`CorruptFileError` when it is not JSON).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        py.detach(|| ByteLevelBpe::from_file(&path)).py().map(Self)
    }

    /// Build from the text of a `tokenizer.json`.
    #[staticmethod]
    fn from_str(py: Python<'_>, json: &str) -> PyResult<Self> {
        py.detach(|| ByteLevelBpe::from_json(json)).py().map(Self)
    }

    /// The ids of one text.
    fn encode(&self, py: Python<'_>, text: &str) -> Vec<u32> {
        py.detach(|| self.0.encode(text))
    }

    /// The ids of every text, each as `[bos] ids [eos]` (when given), concatenated into one
    /// `dtype` array, and each text's number of ids (int64). Releases the GIL; runs on the
    /// core's thread pool (`set_num_threads`).
    #[pyo3(signature = (texts, *, bos = None, eos = None, dtype = "uint32"))]
    fn encode_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        bos: Option<u32>,
        eos: Option<u32>,
        dtype: &str,
    ) -> PyResult<(Bound<'py, PyUntypedArray>, Bound<'py, PyArray1<i64>>)> {
        if dtype != "uint16" && dtype != "uint32" {
            return Err(invalid_argument(format!("dtype must be 'uint16' or 'uint32', got {dtype:?}")));
        }
        let objs = items(texts)?;
        let texts = str_slices(&objs)?;
        let Encoded { ids, lengths } = py.detach(|| self.0.encode_batch(&texts, bos, eos));
        let lengths = lengths.into_pyarray(py);
        if dtype == "uint32" {
            return Ok((ids.into_pyarray(py).as_untyped().clone(), lengths));
        }
        let narrow: Vec<u16> = ids
            .iter()
            .map(|&id| u16::try_from(id).map_err(|_| invalid_argument(format!("id {id} does not fit uint16"))))
            .collect::<PyResult<_>>()?;
        Ok((narrow.into_pyarray(py).as_untyped().clone(), lengths))
    }
}
