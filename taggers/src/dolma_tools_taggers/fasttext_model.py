"""Finding, checking and loading fastText model files (``.bin`` or quantized ``.ftz``).

A model is given as a local path or a URL (``https://``, ``s3://``, ``gs://``: anything
smart_open reads). A URL is downloaded once into a cache folder under a name derived from the
URL, written to a temporary name and renamed, so parallel workers never read half a file.
`resolve_model` runs when a tagger is built (config validation): a missing file, or a file whose
header is not fastText's (magic number and format version), is an error naming the path before
any document is read. A file with a good header but a damaged body is left to fastText's loader
in the worker's ``setup()`` (before that worker tags anything; `load_model` names the file when
fastText raises, but fastText may first spend a long time on a truncated file, since it trusts
the sizes it reads). We check the header instead
of loading the model at validation time because real classifiers (DCLM's is several GB) would
then load once more per worker.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from typing import Any

FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSION = 12
_REMOTE_SCHEMES = ("http://", "https://", "s3://", "gs://", "gcs://", "azure://")
DEFAULT_CACHE_DIR = os.path.join(os.path.expanduser("~"), ".cache", "dolma_tools", "models")


def resolve_model(location: str, cache_dir: str | None = None) -> str:
    """The local path of a checked model file, downloading a URL into ``cache_dir`` first."""
    if not isinstance(location, str) or not location:
        raise ValueError(f"model_path must be a path or URL, got {location!r}")
    path = _download(location, cache_dir or DEFAULT_CACHE_DIR) if location.startswith(_REMOTE_SCHEMES) else location
    check_model_file(path)
    return path


def _download(url: str, cache_dir: str) -> str:
    import smart_open

    name = hashlib.sha256(url.encode()).hexdigest()[:16] + "-" + os.path.basename(url.rstrip("/"))
    path = os.path.join(cache_dir, name)
    if os.path.isfile(path):
        return path
    os.makedirs(cache_dir, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".download-")
    try:
        with os.fdopen(handle, "wb") as out, smart_open.open(url, "rb", compression="disable") as src:
            while chunk := src.read(1 << 22):
                out.write(chunk)
        os.replace(tmp, path)
    except BaseException as exc:
        os.unlink(tmp)
        if isinstance(exc, Exception):
            raise OSError(f"cannot download model {url!r}: {exc}") from exc
        raise
    return path


def check_model_file(path: str) -> None:
    """Raise if ``path`` is missing or does not start like a fastText model file."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"fastText model not found: {path!r}")
    with open(path, "rb") as handle:
        header = handle.read(8)
    magic, version = struct.unpack("<ii", header) if len(header) == 8 else (None, None)
    if magic != FASTTEXT_MAGIC or version is None:
        raise ValueError(f"{path!r} is not a fastText model (wrong file header)")
    if version > FASTTEXT_VERSION:
        raise ValueError(f"{path!r} is a fastText model of format {version}, newer than this fastText reads")


def load_model(path: str) -> Any:
    """Load a fastText model, turning fastText's terse failures into an error naming the file."""
    import fasttext

    fasttext.FastText.eprint = lambda *args, **kwargs: None  # silence the load_model notice
    try:
        return fasttext.load_model(path)
    except (ValueError, RuntimeError, MemoryError) as exc:
        raise ValueError(f"cannot load fastText model {path!r} (damaged or truncated?): {exc}") from exc


def label_key(label: str) -> str:
    """The attribute key of a fastText label: ``__label__hq`` becomes ``hq``."""
    return label.removeprefix("__label__")
