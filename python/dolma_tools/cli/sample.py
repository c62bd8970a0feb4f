"""``dolma-tools sample``."""

from __future__ import annotations

from pathlib import Path

import click

from dolma_tools.cli.common import reports_errors


@click.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--seed", default=0, show_default=True, help="Random seed (same seed, same bytes).")
@click.option("--documents", "num_documents", default=2000, show_default=True, help="Number of base documents.")
@click.option("--compression", type=click.Choice(["gz", "zst", "none"]), default="gz", show_default=True)
@click.option("--tokenizer/--no-tokenizer", default=True, show_default=True,
              help="Also train a small BPE tokenizer on it (OUT/tokenizer.json) for the quickstart's token shards.")
@reports_errors
def sample(out_dir: str, seed: int, num_documents: int, compression: str, tokenizer: bool) -> None:
    """Write a small synthetic corpus with planted duplicates, PII and contamination.

    The ground truth of what was planted is written to OUT/ground_truth.json.

    \b
    Example:
      dolma-tools sample --out sample
      dolma-tools run configs/quickstart.yaml
    """
    from dolma_tools.sample import generate_sample
    from dolma_tools.sample.tokenizer import train_sample_tokenizer

    manifest = generate_sample(out_dir, seed=seed, num_documents=num_documents, compression=compression)
    sources = ", ".join(f"{name} {count}" for name, count in sorted(manifest.documents_per_source.items()))
    click.echo(f"wrote {manifest.num_documents} documents ({manifest.text_bytes / 1e6:.1f} MB of text) in "
               f"{len(manifest.document_files)} files under {Path(out_dir) / 'documents'}: {sources}")
    click.echo(f"  ground truth:  {manifest.ground_truth_path}")
    click.echo(f"  eval set:      {manifest.eval_path}")
    if tokenizer:
        click.echo(f"  tokenizer:     {train_sample_tokenizer(out_dir)}")
