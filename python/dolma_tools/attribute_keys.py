"""What keys an attribute set holds, known before a mix reads it: for config validation.

Two sources. In a pipeline, the stage that writes the set declares its keys (tag:
``<experiment>__<tagger>__<key>`` from each tagger's `Tagger.output_keys`; dedupe:
``<name>__<mode>__<key>`` per enabled mode). Otherwise the set's sidecar of the stream's first
documents file is read: its first line holds every key (dedupe and the bundled taggers write
each of their keys on every line, an empty list when nothing is found). A tagger that declares
no keys makes the set "open" below its prefix: any key there is accepted, since nothing says
which are real.
"""

from __future__ import annotations

import dataclasses

from dolma_tools.io import iter_attributes


@dataclasses.dataclass(frozen=True)
class AttributeKeys:
    """The keys of one attribute set, and where that knowledge came from (for messages)."""

    source: str
    """``stages.0.tag`` (the pipeline stage that writes the set) or a sidecar's path."""
    keys: frozenset[str]
    open_prefixes: frozenset[str] = frozenset()
    """``<set>__<tagger>__`` of taggers whose keys are not declared: any key below is accepted."""

    def holds(self, key: str) -> bool:
        return key in self.keys or key.startswith(tuple(self.open_prefixes))


def keys_from_sidecar(path: str) -> AttributeKeys | None:
    """The keys on the first line of the sidecar at ``path``; None when it has no lines."""
    lines = iter_attributes(path)
    first = next(lines, None)
    lines.close()
    return None if first is None else AttributeKeys(path, frozenset(first[2]))
