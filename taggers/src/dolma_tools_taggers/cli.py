"""``dolma-tools train-fasttext``: the training half of the fastText classifier taggers.

Registered through the ``dolma_tools.commands`` entry points (see ``pyproject.toml``): it lives
beside the taggers that load the model, so that both normalise text with one function. Training and
its dependencies (blingfire, numpy) are imported when the command runs: ``--help`` stays quick.
"""

from __future__ import annotations

import click

from dolma_tools.cli.common import reports_errors


@click.command("train-fasttext")
@click.option("--labeled", type=click.Path(dir_okay=False), help="JSONL with a text and a label field per line.")
@click.option("--positive", multiple=True, help="Document files/folders/globs of the positive class (repeatable).")
@click.option("--negative", multiple=True, help="Document files/folders/globs of the negative class (repeatable).")
@click.option("--positive-label", default="hq", show_default=True, help="Label name for --positive documents.")
@click.option("--negative-label", default="lq", show_default=True, help="Label name for --negative documents.")
@click.option("--text-field", default="text", show_default=True, help="Text field of --labeled lines.")
@click.option("--label-field", default="label", show_default=True, help="Label field of --labeled lines.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Model file to write (.bin).")
@click.option("--validation-fraction", default=0.1, show_default=True, help="Share of examples held out for metrics.")
@click.option("--seed", default=0, show_default=True, help="Seed of the split and of training (one thread).")
@click.option("--epoch", default=5, show_default=True)
@click.option("--lr", default=0.1, show_default=True)
@click.option("--word-ngrams", default=2, show_default=True)
@click.option("--dim", default=100, show_default=True)
@click.option("--min-count", default=1, show_default=True)
@click.option("--bucket", default=2_000_000, show_default=True, help="Hashed n-gram rows (model size ~ bucket*dim*4 bytes).")
@click.option("--quantize", is_flag=True, help="Write a quantized model (smaller; needs >= 256 training rows).")
@reports_errors
def train_fasttext(
    labeled: str | None, positive: tuple[str, ...], negative: tuple[str, ...], positive_label: str,
    negative_label: str, text_field: str, label_field: str, output: str, validation_fraction: float,
    seed: int, epoch: int, lr: float, word_ngrams: int, dim: int, min_count: int, bucket: int, quantize: bool,
) -> None:
    """Train a fastText classifier; print precision, recall and F1 on a held-out split.

    The model loads directly in fasttext_classifier_v1, dclm_quality_v1 and jigsaw_toxicity_v1.

    \b
    Examples:
      dolma-tools train-fasttext --labeled labels.jsonl -o quality.bin
      dolma-tools train-fasttext --positive 'ref/documents/*.gz' --negative 'web/documents/*.gz' -o quality.bin
    """
    from dolma_tools_taggers.training import read_documents, read_labeled_jsonl, train_classifier

    if bool(labeled) == bool(positive or negative):
        raise click.UsageError("give either --labeled FILE or both --positive and --negative")
    if labeled:
        examples = read_labeled_jsonl(labeled, text_field, label_field)
    else:
        if not (positive and negative):
            raise click.UsageError("--positive and --negative go together")
        examples = read_documents(positive, positive_label) + read_documents(negative, negative_label)
    report = train_classifier(
        examples, output, validation_fraction=validation_fraction, seed=seed, epoch=epoch, lr=lr,
        word_ngrams=word_ngrams, dim=dim, min_count=min_count, bucket=bucket, quantize=quantize,
    )
    click.echo(report.format())
