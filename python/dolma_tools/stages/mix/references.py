"""Config validation of what a mix names: attribute sets, and the attribute keys of its filters
and span rules, checked against what those sets hold (`dolma_tools.attribute_keys`).

A typo (``gopher_v1__wordcount``) would otherwise pass validation and stop the run at its first
document; here it is reported with the closest real key and the stage (or sidecar) it comes from.
A set no earlier pipeline stage writes is looked up on storage, beside the stream's first
documents file; when those documents cannot be listed yet, the stream is not checked.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping

from dolma_tools.attribute_keys import AttributeKeys, keys_from_sidecar
from dolma_tools.errors import ConfigError, InputError
from dolma_tools.io import attributes_path, attributes_root, exists, expand
from dolma_tools.io.compression import is_remote
from dolma_tools.stages.mix.config import MixConfig, StreamConfig
from dolma_tools.stages.mix.filters import AttributeRef, Filter, resolve_attribute


def attribute_problems(config: MixConfig, known: Mapping[str, AttributeKeys], *, complete: bool = True) -> list[str]:
    """One line per unknown attribute set or key, each naming its config key; empty when all is well.

    ``known``: the sets earlier stages of the pipeline write, by name; ``complete=False`` when an
    earlier stage was invalid, so that a set it would write is not reported missing.
    """
    problems: list[str] = []
    for number, stream in enumerate(config.streams):
        where = f"streams.{number}"
        sets = _stream_sets(stream, known, where, problems if complete else [])
        if sets is None:
            continue
        for place, ref in _references(stream, where):
            if not any(keys.holds(key) for keys in sets.values() for key in ref.candidates):
                problems.append(_unknown_key(place, ref, stream, sets))
    return list(dict.fromkeys(problems))


def _stream_sets(stream: StreamConfig, known: Mapping[str, AttributeKeys], where: str,
                 problems: list[str]) -> dict[str, AttributeKeys] | None:
    """The keys of each of the stream's sets; None when some cannot be known (keys then unchecked)."""
    sets: dict[str, AttributeKeys] = {}
    first: str | None = None
    for name in stream.attributes:
        if name in known:
            sets[name] = known[name]
            continue
        if first is None:
            try:
                first = expand(stream.documents)[0]
            except ConfigError:
                return None  # the documents do not exist yet: the run reports that itself
        path = attributes_path(first, name)
        if not exists(path):
            others = [*known, *_sets_beside(attributes_root(first, name))]
            problems.append(f"{where}.attributes: attribute set {name!r}: no earlier stage writes it and "
                            f"{path} does not exist{_did_you_mean(name, others)}")
            return None
        try:
            found = keys_from_sidecar(path)
        except InputError as error:
            problems.append(f"{where}.attributes: attribute set {name!r}: {error}")
            return None
        if found is None:
            return None  # an empty sidecar (empty documents file) tells nothing
        sets[name] = found
    return sets


def _sets_beside(set_folder: str) -> list[str]:
    """Names of the other attribute sets next to a (local) set's folder, for suggestions."""
    folder = os.path.dirname(set_folder) or "."
    if is_remote(folder) or not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name)))


def _references(stream: StreamConfig, where: str) -> Iterator[tuple[str, AttributeRef]]:
    """Every attribute the stream's filter and span rules name, with its config key."""
    if stream.filter:
        for ref in Filter(stream.filter, stream.attributes).references:
            yield f"{where}.filter", ref
    for number, rule in enumerate(stream.spans):
        yield f"{where}.spans.{number}.attribute", resolve_attribute(rule.attribute, stream.attributes)


def _unknown_key(place: str, ref: AttributeRef, stream: StreamConfig, sets: dict[str, AttributeKeys]) -> str:
    """The message for a key no set holds: what was searched, and the closest real key."""
    short = ref.candidates != (ref.name,)
    if not short:  # a full key names its set
        sets = {name: keys for name, keys in sets.items() if ref.name.startswith(f"{name}__")}
    owner: dict[str, AttributeKeys] = {}
    for name, keys in sets.items():
        for key in keys.keys:
            owner[key.removeprefix(f"{name}__") if short else key] = keys
    searched = ", ".join(f"{name!r} ({keys.source})" for name, keys in sets.items())
    close = difflib.get_close_matches(ref.name, list(owner), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r} (written by {owner[close[0]].source})?" if close else ""
    return f"{place}: attribute {ref.name!r} is not a key of the attribute set{'s' * (len(sets) > 1)} {searched}{hint}"


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(options)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
