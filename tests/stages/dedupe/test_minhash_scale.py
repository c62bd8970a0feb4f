"""Out-of-core MinHash clustering (``minhash.memory_mb``): the sidecars of the in-memory path, for
memory caps that force many sorted runs, any worker count, every keep policy and verification;
the external sort and the union-find against plain-Python references; band tasks on S3."""

from __future__ import annotations

import collections
import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dolma_tools as dt
from dolma_tools._core import lsh_band_keys, lsh_bucket_links
from dolma_tools.errors import ConfigError
from dolma_tools.io import atomic_writer, open_read
from dolma_tools.stages.dedupe.modes.external_sort import RunWriter, merged
from dolma_tools.stages.dedupe.modes.lsh_disk import BandTask, Part, union_links


def _sidecars(root: Path, name: str) -> dict[str, bytes]:
    """Each sidecar's lines with the run name taken out of the keys."""
    return {str(p.relative_to(root / "attributes" / name)): gzip.decompress(p.read_bytes()).replace(f"{name}__".encode(), b"")
            for p in sorted((root / "attributes" / name).rglob("*.jsonl.gz")) if "_work" not in p.parts}


def _band_receipts(root: Path, name: str) -> list[dict]:
    return [json.loads(p.read_text())["counters"] for p in (root / "attributes" / name / "_work").rglob(".bands*.receipt.json")]


MINHASH_CASES = [
    ({}, 0.015, 1),                                                        # defaults: exact verification, keep first
    ({}, 0.03, 2),
    ({"keep": "longest", "verify": "signature"}, 0.02, 2),
    ({"keep": {"by": "source_priority", "sources": ["news", "web"]}, "verify": "none"}, 0.02, 1),
    ({"keep": {"by": "field", "field": "metadata.score"}, "threshold": 0.8}, 0.03, 2),
]


@pytest.mark.parametrize(("minhash", "memory_mb", "workers"), MINHASH_CASES)
def test_out_of_core_sidecars_are_those_of_the_in_memory_path(corpus: Path, minhash: dict, memory_mb: float, workers: int) -> None:
    documents = str(corpus / "documents")
    memory = dt.dedupe(documents, minhash=minhash, name="memory", workers=1)
    disk = dt.dedupe(documents, minhash={**minhash, "memory_mb": memory_mb}, name="disk", workers=workers, keep_work=True)
    expected = _sidecars(corpus, "memory")
    assert _sidecars(corpus, "disk") == expected
    assert any(b'"minhash__duplicate":[[' in lines for lines in expected.values())
    assert disk.counts == memory.counts
    reports = [json.loads((corpus / "attributes" / name / "_report.json").read_text())["modes"]["minhash"] for name in ("memory", "disk")]
    assert reports[0] == reports[1]
    runs = [counters["minhash.sorted_runs"] for counters in _band_receipts(corpus, "disk")]
    assert min(runs) >= 50  # the cap forced many sorted runs: 10 or more per band of a task


def test_memory_cap_is_in_no_fingerprint_and_refuses_an_index(corpus: Path) -> None:
    documents = str(corpus / "documents")
    dt.dedupe(documents, minhash={"memory_mb": 0.5}, workers=1)
    first = _sidecars(corpus, "dedupe")
    rerun = dt.dedupe(documents, minhash={"memory_mb": 64}, workers=1)  # same decisions: nothing to redo
    assert rerun.files_processed == 0 and _sidecars(corpus, "dedupe") == first
    with pytest.raises(ConfigError, match="memory_mb"):
        dt.dedupe(documents, minhash={"memory_mb": 1, "index": {"path": str(corpus / "i.npz"), "update": True}}, workers=1)


# --- the external sort and the components against plain Python ----------------------------------

records = st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=0, max_size=300)


@settings(max_examples=60, deadline=None)
@given(records=records, capacity=st.integers(1, 40), block=st.integers(1, 25))
def test_runs_merge_into_key_doc_order_without_splitting_a_key(tmp_path_factory, records, capacity, block) -> None:
    folder = tmp_path_factory.mktemp("runs")
    keys = np.array([k for k, _ in records], dtype=np.uint64)
    docs = np.arange(len(records), dtype=np.uint64)
    writer = RunWriter(lambda i: f"{folder}/run{i:04d}", capacity)
    for start in range(0, len(keys), 7):  # records arrive in pieces, docs ascending
        writer.add(keys[start:start + 7], docs[start:start + 7])
    paths = writer.finish()
    assert len(paths) == -(-len(records) // capacity)
    chunks = list(merged(paths, block))
    got = [(int(k), int(d)) for ks, ds in chunks for k, d in zip(ks, ds)]
    assert got == sorted(zip(keys.tolist(), docs.tolist()))
    seen = [set(ks.tolist()) for ks, _ in chunks]
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])


def _reference_roots(n: int, buckets: list[list[int]], similar=None, threshold: float = 0.0) -> list[int]:
    """Plain-Python union-find over the links of the representative rule (docs/dedupe.md)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for members in buckets:
        reps = [members[0]]
        for d in members[1:]:
            match = next((r for r in reps if similar is None or similar(r, d) >= threshold), None)
            if match is not None:
                a, b = sorted((find(match), find(d)))
                parent[b] = a
            elif len(reps) < 8:
                reps.append(d)
    return [find(i) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 120), bands=st.integers(1, 4), values=st.integers(1, 4), capacity=st.integers(1, 30),
       verify=st.booleans(), seed=st.integers(0, 2**16))
def test_band_tasks_and_union_find_match_a_python_reference(tmp_path_factory, n, bands, values, capacity, verify, seed) -> None:
    folder = tmp_path_factory.mktemp("bands")
    rows, num_perm = 2, 2 * bands + 1
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, values, size=(n, num_perm), dtype=np.uint32)  # few values: many buckets
    cut = int(rng.integers(0, n + 1))
    parts = []
    for i, (start, end) in enumerate(((0, cut), (cut, n))):
        path = f"{folder}/part{i}.npz"
        with atomic_writer(path) as stream:
            np.savez(stream, **{"minhash/signatures": signatures[start:end]})
        parts.append(Part(path, "minhash/", start, end - start))
    task = BandTask(source="bands", output=f"{folder}/links", members=f"{folder}/members", parts=tuple(parts),
                    bands=tuple(range(bands)), rows=rows, verify="signature" if verify else "none", threshold=0.6,
                    memory_bytes=capacity * 3 * 16 * bands * 2, runs=f"{folder}/runs")
    task.run(lambda _: None)
    roots = union_links([task.output], n, block=int(rng.integers(1, 10)))

    buckets = []
    for band in range(bands):
        keys = lsh_band_keys(signatures, band, rows)
        by_key = collections.defaultdict(list)
        for doc, key in enumerate(keys.tolist()):
            by_key[key].append(doc)
        buckets += [docs for key, docs in sorted(by_key.items()) if len(docs) > 1]
    similar = (lambda a, b: float((signatures[a] == signatures[b]).mean())) if verify else None
    assert roots.tolist() == _reference_roots(n, buckets, similar, 0.6)


def test_bucket_links_refuse_unsorted_records_and_missing_members() -> None:
    keys, docs = np.array([1, 1], dtype=np.uint64), np.array([4, 2], dtype=np.uint64)
    with pytest.raises(ValueError, match="sorted"):
        lsh_bucket_links(keys, docs)
    with pytest.raises(ValueError, match="document 4"):
        lsh_bucket_links(keys, docs[::-1].copy(), threshold=0.5, members=np.array([2], dtype=np.uint64),
                         signatures=np.zeros((1, 4), dtype=np.uint32))


def test_band_tasks_run_on_s3(bucket, corpus: Path) -> None:
    """Work files, sorted runs and links on a real S3 server give the links of a local folder."""
    client, name = bucket
    dt.dedupe(str(corpus / "documents"), minhash={}, workers=1, keep_work=True)  # (the work files only)
    hashes = sorted((corpus / "attributes" / "dedupe" / "_work").rglob("hashes/*.npz"))
    counts = [int(np.load(path)["lengths"].shape[0]) for path in hashes]
    starts = np.cumsum([0, *counts]).tolist()

    def task(root: str, paths: list[str]) -> BandTask:
        parts = tuple(Part(p, "minhash/", starts[i], counts[i]) for i, p in enumerate(paths))
        return BandTask(source="bands", output=f"{root}/links", members=f"{root}/members", parts=parts, bands=(0, 1, 2),
                        rows=4, verify="exact", threshold=0.6, memory_bytes=100_000, runs=f"{root}/runs")

    for i, path in enumerate(hashes):
        client.upload_file(str(path), name, f"work/hashes/{i}.npz")
    remote = task(f"s3://{name}/work", [f"s3://{name}/work/hashes/{i}.npz" for i in range(len(hashes))])
    local = task(str(corpus / "local"), [str(p) for p in hashes])
    assert remote.run(lambda _: None) == local.run(lambda _: None)
    for output in local.outputs:
        with open_read(output) as mine, open_read(output.replace(str(corpus / "local"), f"s3://{name}/work")) as theirs:
            assert mine.read() == theirs.read()
    assert not [o["Key"] for o in client.list_objects_v2(Bucket=name, Prefix="work/runs").get("Contents", [])]
