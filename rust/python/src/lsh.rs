//! `LshIndex`, `lsh_clusters`, `optimal_bands` and the out-of-core kernels (`lsh_band_keys`,
//! `lsh_bucket_links`, `lsh_union`): thin wrappers of `dolma_tools_core::lsh`.

use dolma_tools_core::lsh::union_find::UnionFind;
use dolma_tools_core::lsh::{self, Banding, Clusters, LshIndex, MemberData, SignatureBlock};
use dolma_tools_core::minhash::sets::ShingleSets;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray1};
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

/// Band `band`'s key (`rows` slots hashed with seed `band`) of each row of a (documents,
/// num_perm) uint32 signature array, as uint64: the keys `LshIndex` buckets by.
#[pyfunction]
pub(crate) fn lsh_band_keys<'py>(py: Python<'py>, signatures: PyReadonlyArray2<'py, u32>, band: usize, rows: usize) -> PyResult<Bound<'py, PyArray1<u64>>> {
    let num_perm = signatures.as_array().shape()[1];
    let data = row_major(&signatures);
    Ok(py.detach(|| lsh::band_keys(&data, num_perm, band, rows)).py()?.into_pyarray(py))
}

/// The links `(left, right)` (uint64) of the buckets in `keys`/`docs`: uint64 records sorted by
/// (key, doc), every bucket whole. Unverified without `threshold`; else a link needs the
/// estimated Jaccard of `signatures` (a (members, num_perm) uint32 array) or the exact Jaccard of
/// the shingle sets `set_values`/`set_offsets` to reach it, row or set k belonging to
/// `members[k]` (ascending uint64; every document of a bucket of two or more must be there).
#[pyfunction]
#[pyo3(signature = (keys, docs, *, threshold = None, members = None, signatures = None, set_values = None, set_offsets = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn lsh_bucket_links<'py>(
    py: Python<'py>,
    keys: PyReadonlyArray1<'py, u64>,
    docs: PyReadonlyArray1<'py, u64>,
    threshold: Option<f64>,
    members: Option<PyReadonlyArray1<'py, u64>>,
    signatures: Option<PyReadonlyArray2<'py, u32>>,
    set_values: Option<PyReadonlyArray1<'py, u32>>,
    set_offsets: Option<PyReadonlyArray1<'py, u64>>,
) -> PyResult<(Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u64>>)> {
    let (keys, docs) = (keys.as_slice()?, docs.as_slice()?);
    let members = members.as_ref().map(|m| m.as_slice()).transpose()?;
    let sigs = signatures.as_ref().map(row_major);
    let data = match (threshold, members, &signatures, &sigs, &set_values, &set_offsets) {
        (None, _, None, _, None, None) => MemberData::Unverified,
        (Some(threshold), Some(members), Some(array), Some(sigs), None, None) => {
            MemberData::Signatures { members, sigs, num_perm: array.as_array().shape()[1], threshold }
        }
        (Some(threshold), Some(members), None, _, Some(values), Some(offsets)) => {
            MemberData::Sets { members, sets: ShingleSets::new(values.as_slice()?, offsets.as_slice()?).py()?, threshold }
        }
        _ => return Err(invalid_argument("give threshold and members with either signatures or set_values and set_offsets, or none of them")),
    };
    let links = py.detach(|| lsh::member_links(keys, docs, &data)).py()?;
    let (left, right): (Vec<u64>, Vec<u64>) = links.into_iter().unzip();
    Ok((left.into_pyarray(py), right.into_pyarray(py)))
}

/// Union-find in place over `parent` (uint64; `parent[i] == i` at first): merge the sets of
/// `left[k]` and `right[k]` for every k, roots staying the smallest member of their set; with
/// `flatten`, every parent is then replaced by its root (the smallest member of its set).
#[pyfunction]
#[pyo3(signature = (parent, left, right, *, flatten = false))]
pub(crate) fn lsh_union(
    py: Python<'_>,
    mut parent: PyReadwriteArray1<'_, u64>,
    left: PyReadonlyArray1<'_, u64>,
    right: PyReadonlyArray1<'_, u64>,
    flatten: bool,
) -> PyResult<()> {
    let (left, right) = (left.as_slice()?, right.as_slice()?);
    let parent = parent.as_slice_mut()?;
    if left.len() != right.len() {
        return Err(invalid_argument(format!("{} left and {} right members", left.len(), right.len())));
    }
    let n = parent.len() as u64;
    if let Some(bad) = left.iter().chain(right).chain(parent.iter()).find(|&&d| d >= n) {
        return Err(invalid_argument(format!("document {bad} is out of range ({n} documents)")));
    }
    py.detach(|| {
        let mut uf = UnionFind::new(parent);
        left.iter().zip(right).for_each(|(&a, &b)| uf.union(a, b));
        if flatten {
            uf.flatten();
        }
    });
    Ok(())
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
