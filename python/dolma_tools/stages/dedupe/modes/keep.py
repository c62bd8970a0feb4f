"""Which copy of a cluster survives: the keep policy of the document-level modes.

Phase 1 gives every document a keep score (`KeepPolicy.scores`); phase 2 keeps, in each
cluster, the member with the highest score, ties going to the first by input order
(`survivors`). Scores are per document and input order is global, so the survivor is the same
for 1 or 64 workers. ``first`` (every score equal) keeps the first copy by input order.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from dolma_tools.config.models import StrictModel
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter
from dolma_tools.stages.dedupe.modes.base import Batch
from dolma_tools.stages.dedupe.modes.documents import MISSING, key_of


class KeepPolicy(StrictModel):
    """Which copy of a cluster is kept; ties go to the first by input order."""

    by: Literal["first", "longest", "source_priority", "field"] = "first"
    """``first``: the first by input order; ``longest``: the most characters; ``source_priority``:
    the earliest of ``sources`` (unlisted sources after every listed one); ``field``: the highest
    number at ``field`` (documents without it after every one with it)."""
    sources: tuple[str, ...] = ()
    """For ``source_priority``: document ``source`` values, most wanted first."""
    field: str | None = None
    """For ``field``: ``metadata.<path>`` of a number, e.g. ``metadata.quality``."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"by": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _complete(self) -> KeepPolicy:
        if self.by == "source_priority" and not self.sources:
            raise ValueError("source_priority needs 'sources', most wanted first")
        if self.by == "field" and (self.field is None or not self.field.startswith("metadata.")):
            raise ValueError("'field' needs field: metadata.<path> of a number")
        if self.by not in ("source_priority", "field") and (self.sources or self.field):
            raise ValueError(f"'sources' and 'field' do not apply to by: {self.by}")
        return self

    def reads_whole_documents(self) -> bool:
        return self.by in ("source_priority", "field")

    def scores(self, batch: Batch, source: str, skips: SkipCounter | None) -> np.ndarray:
        """Each document's keep score (float64; higher is kept). A non-numeric ``field`` is an
        error naming file and line, or under ``on_error: skip`` a counted skip scored as missing."""
        if self.by == "first":
            return np.zeros(len(batch.ids))
        if self.by == "longest":
            return batch.char_lengths().astype(np.float64)
        assert batch.docs is not None and batch.lines is not None, "source and field policies read whole documents"
        if self.by == "source_priority":
            rank = {name: i for i, name in enumerate(self.sources)}
            return -np.array([rank.get(doc.source, len(rank)) for doc in batch.docs], dtype=np.float64)
        out = np.full(len(batch.docs), -np.inf)
        for i, (doc, line) in enumerate(zip(batch.docs, batch.lines)):
            value = key_of(doc, self.field or "")
            if value is MISSING:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                error = InputError(source, line, "keep_field_not_a_number", f"document {doc.id!r}: {self.field} is {value!r}")
                if skips is None:
                    raise error
                skips.handle(error)
                continue
            out[i] = value
        return out


def survivors(cluster_id: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``survivor[i]``: the global index of the member of i's cluster with the highest score, the
    smallest index among equals (``cluster_id``: each document's cluster, named by any member)."""
    index = np.arange(len(cluster_id))
    order = np.lexsort((index, -scores, cluster_id))  # by cluster, then score descending, then input order
    first_of_cluster = np.ones(len(order), dtype=bool)
    first_of_cluster[1:] = cluster_id[order][1:] != cluster_id[order][:-1]
    chosen = np.empty(len(cluster_id), dtype=np.int64)
    heads = order[first_of_cluster]
    chosen[cluster_id[heads]] = heads
    return chosen[cluster_id]
