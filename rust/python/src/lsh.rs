//! `LshIndex`, `lsh_clusters` and `optimal_bands`: thin wrappers of `dolma_tools_core::lsh`.

use dolma_tools_core::lsh::{self, Banding, Clusters, LshIndex, SignatureBlock};
use dolma_tools_core::minhash::sets::ShingleSets;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::error::{invalid_argument, IntoPy};

type ClusterArrays<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f32>>);

fn banding(bands: Option<usize>, rows: Option<usize>) -> PyResult<Option<Banding>> {
    match (bands, rows) {
        (Some(bands), Some(rows)) => Ok(Some(Banding { bands, rows })),
        (None, None) => Ok(None),
        _ => Err(invalid_argument("give both bands and rows, or neither")),
    }
}

fn to_arrays(py: Python<'_>, c: Clusters) -> ClusterArrays<'_> {
    let ids: Vec<i64> = c.cluster_id.into_iter().map(i64::from).collect();
    (ids.into_pyarray(py), c.similarity.into_pyarray(py))
}

/// A (documents, num_perm) uint32 array as row-major values, borrowed when C-contiguous.
fn row_major<'a>(sigs: &'a PyReadonlyArray2<'_, u32>) -> std::borrow::Cow<'a, [u32]> {
    match sigs.as_slice() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(sigs.as_array().iter().copied().collect()),
    }
}

fn check_width(sigs: &PyReadonlyArray2<'_, u32>, num_perm: usize) -> PyResult<()> {
    let width = sigs.as_array().shape()[1];
    if width != num_perm {
        return Err(invalid_argument(format!("signatures have {width} columns, expected num_perm = {num_perm}")));
    }
    Ok(())
}

/// The (bands, rows) minimising fp_weight * FP + fn_weight * FN at `threshold` (areas under and
/// over the LSH S-curve either side of the threshold), with bands * rows <= num_perm.
#[pyfunction]
#[pyo3(signature = (threshold, num_perm, *, fp_weight = 0.5, fn_weight = 0.5))]
pub(crate) fn optimal_bands(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> PyResult<(usize, usize)> {
    let b = lsh::optimal_banding(threshold, num_perm, fp_weight, fn_weight).py()?;
    Ok((b.bands, b.rows))
}

/// Cluster a (documents, num_perm) uint32 signature array in one call.
///
/// Returns `(cluster_id, similarity)`: int64 smallest document index of each document's cluster
/// (itself for singletons) and float32 estimated Jaccard with that representative. With `verify`,
/// candidate links below `threshold` are dropped. `bands`/`rows` default to the optimal banding.
#[pyfunction]
#[pyo3(signature = (signatures, *, threshold = 0.8, bands = None, rows = None, verify = false, fp_weight = 0.5, fn_weight = 0.5))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn lsh_clusters<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    threshold: f64,
    bands: Option<usize>,
    rows: Option<usize>,
    verify: bool,
    fp_weight: f64,
    fn_weight: f64,
) -> PyResult<ClusterArrays<'py>> {
    let num_perm = signatures.as_array().shape()[1];
    let bd = lsh::resolve_banding(num_perm, threshold, banding(bands, rows)?, (fp_weight, fn_weight)).py()?;
    let data = row_major(&signatures);
    let c = py
        .detach(|| lsh::cluster_blocks(vec![SignatureBlock { start: 0, sigs: &data }], num_perm, threshold, bd, verify))
        .py()?;
    Ok(to_arrays(py, c))
}

/// An LSH index filled in batches of signatures, then clustered.
///
/// `add(signatures, start_index)` copies a (rows, num_perm) uint32 array as documents
/// `start_index .. start_index + rows` (default: right after the highest index so far);
/// `clusters()` needs the indices to cover 0..len(index) without gaps.
#[pyclass(name = "LshIndex", module = "dolma_tools._core")]
pub(crate) struct PyLshIndex(LshIndex);

#[pymethods]
impl PyLshIndex {
    #[new]
    #[pyo3(signature = (num_perm, *, threshold = 0.8, bands = None, rows = None, fp_weight = 0.5, fn_weight = 0.5))]
    fn new(num_perm: usize, threshold: f64, bands: Option<usize>, rows: Option<usize>, fp_weight: f64, fn_weight: f64) -> PyResult<Self> {
        LshIndex::new(num_perm, threshold, banding(bands, rows)?, (fp_weight, fn_weight)).py().map(Self)
    }

    #[getter]
    fn num_perm(&self) -> usize {
        self.0.num_perm()
    }
    #[getter]
    fn threshold(&self) -> f64 {
        self.0.threshold()
    }
    #[getter]
    fn bands(&self) -> usize {
        self.0.banding().bands
    }
    #[getter]
    fn rows(&self) -> usize {
        self.0.banding().rows
    }
    /// Number of documents added.
    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// Add a (rows, num_perm) uint32 array of signatures; returns the start index used.
    #[pyo3(signature = (signatures, start_index = None))]
    fn add(&mut self, signatures: PyReadonlyArray2<'_, u32>, start_index: Option<usize>) -> PyResult<usize> {
        check_width(&signatures, self.0.num_perm())?;
        let data = row_major(&signatures).into_owned();
        self.0.add(data, start_index).py()
    }

    /// `(cluster_id, similarity)` of every document added; see `lsh_clusters`.
    #[pyo3(signature = (*, verify = false))]
    fn clusters<'py>(&self, py: Python<'py>, verify: bool) -> PyResult<ClusterArrays<'py>> {
        let c = py.detach(|| self.0.clusters(verify)).py()?;
        Ok(to_arrays(py, c))
    }

    /// The documents sharing a band key with another one, ascending (uint32): the candidates,
    /// whose shingle sets `clusters_exact` needs.
    fn candidates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<u32>>> {
        Ok(py.detach(|| self.0.candidates()).py()?.into_pyarray(py))
    }

    /// `(cluster_id, similarity)` with exact verification: a candidate link is kept only when the
    /// Jaccard of the two documents' shingle sets reaches `threshold`. Set `k` (sorted uint32
    /// fingerprints, `values[offsets[k]:offsets[k + 1]]`, as `sorted_sets`
    /// gives them) belongs to document `docs[k]` (ascending); `similarity` is the exact Jaccard
    /// with the cluster's representative.
    fn clusters_exact<'py>(
        &self,
        py: Python<'py>,
        docs: PyReadonlyArray1<'py, u32>,
        values: PyReadonlyArray1<'py, u32>,
        offsets: PyReadonlyArray1<'py, u64>,
        threshold: f64,
    ) -> PyResult<ClusterArrays<'py>> {
        let (docs, values, offsets) = (docs.as_slice()?, values.as_slice()?, offsets.as_slice()?);
        let sets = ShingleSets::new(values, offsets).py()?;
        let c = py.detach(|| self.0.clusters_exact(docs, &sets, threshold)).py()?;
        Ok(to_arrays(py, c))
    }

    fn __repr__(&self) -> String {
        format!(
            "LshIndex(num_perm={}, threshold={}, bands={}, rows={}, len={})",
            self.0.num_perm(),
            self.0.threshold(),
            self.0.banding().bands,
            self.0.banding().rows,
            self.0.len()
        )
    }
}
