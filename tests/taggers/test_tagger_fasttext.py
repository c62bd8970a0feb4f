"""fastText taggers and train-fasttext: LID, classifier modes, the train → tag round trip, and
model-file errors caught before any document is tagged."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dolma_tools.cli import main
from dolma_tools.documents import Document
from dolma_tools_taggers.classifier import FastTextClassifierTagger, JigsawToxicityTagger
from dolma_tools_taggers.langid import FastTextLangIdTagger
from dolma_tools_taggers.text import normalize_for_fasttext
from tests.taggers.conftest import fasttext_lid176, labeled_examples, write_jsonl

EN = "The children were always together in the little house near the water, every morning."
FR = "Les enfants sont toujours ensemble dans la petite maison avec nous, mais jamais le matin."


def test_langid_with_a_model_trained_here(lid_model: str) -> None:
    tagger = FastTextLangIdTagger(model_path=lid_model, languages=["fr"])
    tagger.setup()
    text = "house water people because through between always\n\nmaison avec pour dans les des toujours"
    tags = tagger.predict(Document(id="d", text=text))
    assert set(tags) >= {"doc_fr", "paragraph_en", "paragraph_fr"}
    paragraph_en = {(s, e): score for s, e, score in tags["paragraph_en"]}
    paragraph_fr = {(s, e): score for s, e, score in tags["paragraph_fr"]}
    cut = text.index("\n\n")
    assert paragraph_en[(0, cut)] > 0.5 and paragraph_fr[(cut + 2, len(text))] > 0.5
    assert paragraph_fr[(0, cut)] < 0.5  # "fr" is listed, so reported for every paragraph


def test_langid_with_lid176() -> None:
    tagger = FastTextLangIdTagger(model_path=fasttext_lid176(), level="document", top_k=2)
    tagger.setup()
    en, fr = tagger.predict_batch([Document(id="1", text=EN), Document(id="2", text=FR)])
    assert max(en, key=lambda k: en[k][0].score) == "doc_en" and len(en) == 2
    assert fr["doc_fr"][0].score > 0.9


def test_classifier_modes_give_one_key_per_label(quality_model: str) -> None:
    text = "Research evidence and analysis of the data. Click free casino bonus now!!!\n\nUniversity report findings."
    doc = Document(id="d", text=text)
    for mode, units in (("document", 1), ("paragraph", 2), ("sentence", 3)):
        tagger = FastTextClassifierTagger(model_path=quality_model, mode=mode)
        tagger.setup()
        tags = tagger.predict(doc)
        assert set(tags) == {"hq", "lq"} and len(tags["hq"]) == units
        for hq, lq in zip(tags["hq"], tags["lq"]):
            assert hq[:2] == lq[:2] and hq.score + lq.score == pytest.approx(1.0, abs=1e-3)
    sentences = JigsawToxicityTagger(model_path=quality_model)
    sentences.setup()
    spam = sentences.predict(doc)["lq"][1]
    assert text[spam.start:spam.end] == "Click free casino bonus now!!!" and spam.score > 0.5
    with pytest.raises(ValueError, match="mode"):
        FastTextClassifierTagger(model_path=quality_model, mode="word")


def test_normalisation_is_shared() -> None:
    assert normalize_for_fasttext("  A\tline\n\nand  Another \r\n") == "A line and Another"


def _tag_config(tmp_path: Path, model: str, tagger: str = "dclm_quality_v1") -> Path:
    config = tmp_path / "tag.yaml"
    config.write_text(yaml.safe_dump({
        "documents": [str(tmp_path / "documents")],
        "experiment": "q",
        "workers": 1,
        "taggers": [{"name": tagger, "options": {"model_path": model}}],
    }))
    return config


def _write_documents(tmp_path: Path, rows: list[dict]) -> None:
    path = tmp_path / "documents" / "part-0.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i, row in enumerate(rows):
            out.write(json.dumps({"id": str(i), "text": row["text"], "source": "test"}) + "\n")


@pytest.mark.slow
def test_train_then_tag_round_trip(tmp_path: Path) -> None:
    labeled = write_jsonl(tmp_path / "labels.jsonl", labeled_examples(["hq", "lq"], 400, seed=3))
    model = tmp_path / "quality.bin"
    runner = CliRunner()
    result = runner.invoke(main, ["train-fasttext", "--labeled", str(labeled), "-o", str(model),
                                  "--epoch", "10", "--dim", "16", "--bucket", "200000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "examples: 360 train, 40 validation" in result.output
    f1 = {line.split()[0]: float(line.split()[3]) for line in result.output.splitlines() if line.startswith(("hq ", "lq "))}
    assert min(f1.values()) > 0.75
    rows = labeled_examples(["hq", "lq"], 40, seed=99, flip=0.0)
    _write_documents(tmp_path, rows)
    result = runner.invoke(main, ["tag", "-c", str(_tag_config(tmp_path, str(model))), "-q"])
    assert result.exit_code == 0, result.output
    with gzip.open(tmp_path / "attributes" / "q" / "part-0.jsonl.gz", "rt") as lines:
        records = [json.loads(line) for line in lines]
    right = sum((r["attributes"]["q__dclm_quality_v1__hq"][0][2] > 0.5) == (row["label"] == "hq")
                for r, row in zip(records, rows))
    assert right >= 36


def test_train_from_document_globs_and_bad_input(tmp_path: Path) -> None:
    rows = labeled_examples(["hq", "lq"], 300, seed=4)
    for label in ("hq", "lq"):
        path = tmp_path / label / "documents" / "a.jsonl"
        write_jsonl(path, [{"id": str(i), "text": r["text"]} for i, r in enumerate(rows) if r["label"] == label])
    runner = CliRunner()
    model = tmp_path / "m.bin"
    # A real process: fastText has raised "Encountered NaN" here only inside a long pytest process.
    done = subprocess.run([sys.executable, "-m", "dolma_tools", "train-fasttext",
                           "--positive", str(tmp_path / "hq" / "documents"),
                           "--negative", str(tmp_path / "lq" / "documents" / "*.jsonl"),
                           "-o", str(model), "--dim", "16", "--bucket", "200000", "--quantize"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    tagger = FastTextClassifierTagger(model_path=str(model))
    tagger.setup()
    assert set(tagger.predict(Document(id="d", text="research data"))) == {"hq", "lq"}
    one_label = write_jsonl(tmp_path / "one.jsonl", [{"text": "x y", "label": "a"}] * 5)
    result = runner.invoke(main, ["train-fasttext", "--labeled", str(one_label), "-o", str(model)])
    assert result.exit_code == 2 and "at least two labels" in result.output


@pytest.mark.parametrize("problem", ["missing", "not_a_model", "bad_header_version"])
def test_bad_model_fails_before_any_document(tmp_path: Path, problem: str) -> None:
    _write_documents(tmp_path, labeled_examples(["hq", "lq"], 10))
    model = tmp_path / "model.bin"
    if problem == "not_a_model":
        model.write_bytes(b"this is not a fastText model at all")
    elif problem == "bad_header_version":
        model.write_bytes((793712314).to_bytes(4, "little") + (99).to_bytes(4, "little"))
    result = CliRunner().invoke(main, ["tag", "-c", str(_tag_config(tmp_path, str(model))), "-q"])
    assert result.exit_code == 2
    assert str(model) in result.output and "dclm_quality_v1" in result.output
    assert not (tmp_path / "attributes").exists()

