"""Every mode scored against the ground truth of a corpus with the phenomena of real text
(`dolma_tools.sample.dedupe`): short repeated lines, indentation-only variants, lone punctuation
lines in code, near copies at 1-20% edits with their true Jaccard, eval passages."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.errors import ConfigError, InputError, StageError
from dolma_tools.io import iter_documents
from dolma_tools.sample.dedupe import CODE_LINES, PUNCTUATION_LINES, SHORT_LINES
from tests.stages.dedupe.conftest import sidecars, texts


def _truth(root: Path) -> dict:
    return json.loads((root / "dedupe_truth.json").read_text())


def _flagged_lines(root: Path, key: str, name: str = "dedupe") -> dict[str, list[str]]:
    """The text of every flagged span (trailing newline dropped), by document."""
    text_of = texts(root)
    return {doc: [text_of[doc][s:e].rstrip("\n") for s, e, _ in attrs[key]] for doc, attrs in sidecars(root, name).items()}


def _groups(truth: dict) -> list[list[str]]:
    return ([[g["original"], *g["copies"]] for g in truth["exact_duplicates"]]
            + [[g["original"], *(c["id"] for c in g["copies"])] for g in truth["near_duplicates"]])


def test_exact_documents_flag_the_later_copy_by_input_order(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), documents_mode={}, workers=1)
    order = list(texts(corpus))
    expected = {max(group, key=order.index) for group in _groups(_truth(corpus))[:len(_truth(corpus)["exact_duplicates"])]}
    flagged = {d for d, a in sidecars(corpus).items() if a["dedupe__documents__duplicate"]}
    assert flagged == expected and expected


def _expected_paragraph_flags(root: Path, key_of) -> dict[str, list[str]]:
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for doc, text in texts(root).items():
        out[doc] = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            if key_of(line) in seen:
                out[doc].append(line)
            seen.add(key_of(line))
    return out


def test_paragraph_keys_are_exact_unless_strip_is_asked(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), paragraphs={}, workers=1)
    exact = _flagged_lines(corpus, "dedupe__paragraphs__duplicate")
    assert exact == _expected_paragraph_flags(corpus, lambda line: line)
    dt.dedupe(str(corpus / "documents"), paragraphs={"strip": True}, name="stripped", workers=1)
    stripped = _flagged_lines(corpus, "stripped__paragraphs__duplicate", "stripped")
    assert stripped == _expected_paragraph_flags(corpus, str.strip)
    # Indentation-only variants of a code line: each flagged once stripped, some left alone when exact.
    variants = [line for line, by_form in _truth(corpus)["code_lines"].items() if len(by_form) > 1]
    assert variants
    exact_all = {line for lines in exact.values() for line in lines}
    stripped_all = {line for lines in stripped.values() for line in lines}
    assert {line.strip() for line in stripped_all} >= set(variants)
    assert len(stripped_all - exact_all) > 0


def test_ngram_defaults_remove_short_boilerplate_and_leave_punctuation_alone(corpus: Path) -> None:
    summary = dt.dedupe(str(corpus / "documents"), ngrams={}, workers=1)
    truth = _truth(corpus)
    flagged = _flagged_lines(corpus, "dedupe__ngrams__duplicate")
    order = list(texts(corpus))
    # Every short repeated line is flagged in every document after the first that holds it.
    for line, holders in truth["short_lines"].items():
        later = sorted(holders, key=order.index)[1:]
        assert all(line in flagged[doc] for doc in later), line
        assert line not in flagged[min(holders, key=order.index)]
    # A lone `}` or `...` never counts, however often it recurs.
    assert not {line.strip() for lines in flagged.values() for line in lines} & set(PUNCTUATION_LINES)
    # In pages that are nobody's copy, only shared lines are flagged: nothing of their own text.
    copies = {member for group in _groups(truth) for member in group}
    evals = {json.loads(line)["text"] for line in (corpus / "eval" / "eval.jsonl").read_text().splitlines()}
    shared = set(SHORT_LINES) | set(CODE_LINES) | evals  # (eval passages recur in the contaminated pages)
    for doc, lines in flagged.items():
        if doc not in copies:
            assert {line.strip() for line in lines} <= shared, doc
    assert summary.counts["ngrams"]["spans_flagged"] > len(truth["short_lines"])


def test_minhash_defaults_meet_the_stated_target(corpus: Path) -> None:
    summary = dt.dedupe(str(corpus / "documents"), minhash={}, workers=1)
    truth, attributes = _truth(corpus), sidecars(corpus)
    flagged = {d: a["dedupe__minhash__survivor"][0][2] for d, a in attributes.items() if a["dedupe__minhash__duplicate"]}
    pairs = [(g["original"], c["id"]) for g in truth["near_duplicates"] for c in g["copies"] if c["jaccard"] >= 0.6]
    pairs += [(g["original"], c) for g in truth["exact_duplicates"] for c in g["copies"]]
    found = sum(flagged.get(a) == b or flagged.get(b) == a for a, b in pairs)
    assert found / len(pairs) >= 0.95, f"recall {found / len(pairs):.3f} at J >= 0.6"
    members = {m for group in _groups(truth) for m in group}
    assert len(set(flagged) & members) / len(flagged) >= 0.98
    for group in _groups(truth):  # no group loses every copy
        assert any(m not in flagged for m in group)
    report = summary.counts["minhash"]
    assert report["verify"] == "exact" and report["s_curve"]["0.6"] >= 0.95
    assert report["s_curve"]["0.3"] < report["s_curve"]["0.6"]


def _clusters(attributes: dict[str, dict], name: str = "dedupe") -> dict[str, list[str]]:
    """Survivor id -> flagged ids."""
    out: dict[str, list[str]] = {}
    for doc, attrs in attributes.items():
        if attrs[f"{name}__minhash__duplicate"]:
            out.setdefault(attrs[f"{name}__minhash__survivor"][0][2], []).append(doc)
    return out


@pytest.mark.parametrize("keep", ["longest", {"by": "source_priority", "sources": ["news", "web"]},
                                  {"by": "field", "field": "metadata.score"}])
def test_keep_policies_choose_the_survivor(corpus: Path, keep: object) -> None:
    dt.dedupe(str(corpus / "documents"), minhash={"keep": keep}, workers=1)
    truth, attributes = _truth(corpus), sidecars(corpus)
    order = list(texts(corpus))
    scores = {row["id"]: row["metadata"]["score"] for path in (corpus / "documents").rglob("*.jsonl.gz")
              for row in map(json.loads, gzip.open(path, "rt"))}
    rank = {"news": 0, "web": 1}

    def score(doc: str) -> float:
        if keep == "longest":
            return truth["lengths"][doc]
        if isinstance(keep, dict) and keep["by"] == "source_priority":
            return -rank.get(truth["sources"][doc], 2)
        return scores[doc]

    clusters = _clusters(attributes)
    assert clusters
    for survivor, copies in clusters.items():
        members = [survivor, *copies]
        best = max(members, key=lambda d: (score(d), -order.index(d)))
        assert survivor == best
        assert attributes[survivor]["dedupe__minhash__cluster_size"][0][2] == len(members)
        assert not attributes[survivor]["dedupe__minhash__duplicate"]
        for copy in copies:
            assert attributes[copy]["dedupe__minhash__cluster"][0][2] == order.index(survivor)
            assert attributes[copy]["dedupe__minhash__cluster_size"] == []


def test_survivors_do_not_depend_on_the_worker_count(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), minhash={"keep": "longest"}, name="one", workers=1)
    dt.dedupe(str(corpus / "documents"), minhash={"keep": "longest"}, name="two", workers=2)
    def unnamed(name: str) -> dict[str, dict]:
        return {doc: {key.split("__", 1)[1]: value for key, value in attrs.items()} for doc, attrs in sidecars(corpus, name).items()}

    one = unnamed("one")
    assert any(attrs["minhash__duplicate"] for attrs in one.values())
    assert one == unnamed("two")


def test_keep_field_must_be_a_number(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "same words in both of these two documents here", "metadata": {"score": 1}},
            {"id": "b", "text": "same words in both of these two documents here", "metadata": {"score": "high"}}]
    path = tmp_path / "documents" / "part.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    minhash = {"keep": {"by": "field", "field": "metadata.score"}}
    with pytest.raises((InputError, StageError), match=r"part\.jsonl:2: keep_field_not_a_number"):
        dt.dedupe(str(tmp_path / "documents"), minhash=minhash, workers=1)
    summary = dt.dedupe(str(tmp_path / "documents"), minhash=minhash, workers=1, on_error="skip", overwrite=True)
    assert summary.skipped == {"keep_field_not_a_number": 1}
    assert sidecars(tmp_path)["b"]["dedupe__minhash__survivor"] == [(0, 46, "a")]


def test_decontamination_finds_the_planted_passages(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), decontamination={"eval_sets": str(corpus / "eval" / "eval.jsonl")}, workers=1)
    truth, attributes = _truth(corpus), sidecars(corpus)
    flagged = {d for d, a in attributes.items() if a["dedupe__decontamination__document"]}
    assert set(truth["contaminated"]) <= flagged
    copies = {m for group in _groups(truth) if group[0] in truth["contaminated"] for m in group}
    assert flagged <= set(truth["contaminated"]) | copies


def test_keep_policy_config_errors() -> None:
    from dolma_tools.stages.dedupe.modes.keep import KeepPolicy

    assert KeepPolicy.model_validate("longest").by == "longest"
    with pytest.raises(ValueError, match="needs 'sources'"):
        KeepPolicy.model_validate("source_priority")
    with pytest.raises(ValueError, match=re.escape("metadata.<path>")):
        KeepPolicy(by="field", field="score")


def test_a_new_release_is_deduped_against_a_persistent_index(corpus: Path, tmp_path: Path) -> None:
    documents, index = corpus / "documents", str(tmp_path / "releases.minhash.npz")
    dt.dedupe(str(documents / "docs"), minhash={"index": {"path": index, "update": True}}, workers=1)
    second = dt.dedupe([str(documents / "news"), str(documents / "web")], minhash={"index": {"path": index}}, name="r2", workers=1)
    assert second.counts["minhash"]["index_documents"] == len(list(texts_of(documents / "docs")))
    truth, attributes = _truth(corpus), sidecars(corpus, "r2")
    earlier = set(texts_of(documents / "docs"))
    across = [(g["original"], c["id"]) for g in truth["near_duplicates"] for c in g["copies"] if c["jaccard"] >= 0.6]
    across = [(a, b) if a in earlier else (b, a) for a, b in across if (a in earlier) != (b in earlier)]
    assert across
    for old, new in across:  # the new copy names the earlier document by its real id
        assert attributes[new]["r2__minhash__survivor"] == [(0, truth["lengths"][new], old)]
        assert attributes[new]["r2__minhash__cluster"][0][2] < 0
    # Another shingling cannot use the index; a missing index needs update: true.
    with pytest.raises(ConfigError, match=r"minhash\.index\.path: .*other shingling settings"):
        dt.dedupe(str(documents / "web"), minhash={"ngram_size": 3, "index": {"path": index}}, name="r3", workers=1)
    with pytest.raises(ConfigError, match=r"minhash\.index\.path: .*does not exist"):
        dt.dedupe(str(documents / "web"), minhash={"index": {"path": str(tmp_path / "none.npz")}}, name="r4", workers=1)


def texts_of(folder: Path) -> dict[str, str]:
    return {doc.id: doc.text for path in sorted(folder.rglob("*.jsonl.gz")) for _, doc in iter_documents(str(path))}
