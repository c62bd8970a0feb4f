"""dolma-tools: tag, deduplicate and mix text corpora into tokenized pretraining data.

```python
import dolma_tools as dt

dt.tag("sample/documents", experiment="counts", taggers=["char_length_v1"])
df = dt.read_documents("sample/documents").to_pandas()
```
"""

from typing import TYPE_CHECKING, Any

from dolma_tools._core import __version__
from dolma_tools.api import DocumentStream, check, dedupe, extract, mix, read_documents, run, stats, tag
from dolma_tools.documents import Document, Span
from dolma_tools.errors import ConfigError, DolmaToolsError, InputError, StageError

if TYPE_CHECKING:
    from dolma_tools.stages.runner import RunSummary
    from dolma_tools.taggers import Tagger, document_span

_LAZY = {"RunSummary": "dolma_tools.stages.runner", "Tagger": "dolma_tools.taggers", "document_span": "dolma_tools.taggers"}


def __getattr__(name: str) -> Any:
    """Names whose modules load config and executor code, imported on first use: importing the
    package stays cheap for every worker process, which imports it before its task."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dolma_tools' has no attribute {name!r}")

__all__ = [
    "ConfigError",
    "Document",
    "DocumentStream",
    "DolmaToolsError",
    "InputError",
    "RunSummary",
    "Span",
    "StageError",
    "Tagger",
    "__version__",
    "check",
    "dedupe",
    "document_span",
    "extract",
    "mix",
    "read_documents",
    "run",
    "stats",
    "tag",
]
