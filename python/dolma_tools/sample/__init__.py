"""A deterministic, self-made sample corpus with ground truth for every stage.

``generate_sample`` writes a Dolma-layout corpus (``documents/<source>/<source>-NNNN.jsonl.gz``)
of web, news, forum and wiki styled documents built from this package's own word lists and
templates, plants what each stage must find (exact and near duplicates, boilerplate lines,
PII and look-alike decoys, benchmark passages, other languages, low-quality pages) and records
it in ``ground_truth.json``. The same arguments give byte-identical files.

Text conventions: lines are separated by ``\\n``, paragraphs by a blank line (``\\n\\n``);
offsets are code points, end exclusive.
"""

from dolma_tools.sample.corpus import SampleManifest, generate_sample

__all__ = ["SampleManifest", "generate_sample"]
