"""Usage signals a page carries itself, read from the headers and ``<meta>`` tags extract kept.

* ``X-Robots-Tag`` header and ``<meta name="robots">`` (or a crawler's own name, e.g.
  ``<meta name="GPTBot">``): directives ``noai``, ``noimageai``, ``noindex`` (``none`` implies
  ``noindex``). A header directive may name an agent (``X-Robots-Tag: GPTBot: noai``); it counts
  when the agent is ``*``-like (none given) or one of the listed agents.
* TDMRep (W3C CG): ``tdm-reservation: 1`` as a header or meta tag reserves text-and-data-mining
  rights.
* IETF aipref ``Content-Usage`` (header or meta): ``train-ai=n`` or ``train-genai=n``.

``metadata.headers`` and ``metadata.meta`` are mappings of lower-cased names to values, as
``dolma-tools extract`` writes them; documents without them have no page signals.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

ROBOTS_DIRECTIVES = ("noai", "noimageai", "noindex")
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z0-9_.*-]+)\s*:\s*(.*)$")
_TRAIN_KEYS = ("train-ai", "train-genai")


def _directives(value: str) -> list[tuple[str | None, str]]:
    """``"GPTBot: noai, noindex"`` → [("gptbot", "noai"), ("gptbot", "noindex")]; no agent → None."""
    agent = None
    found = []
    for part in value.split(","):
        match = _AGENT_PREFIX.match(part)
        if match and match.group(2):
            agent, part = match.group(1).lower(), match.group(2)
        directive = part.strip().lower()
        if directive:
            found.append((agent, directive))
    return found


def robots_directives(headers: Mapping[str, str], meta: Mapping[str, str], agents: Collection[str]) -> set[str]:
    """Robots directives that apply to everyone or to one of ``agents`` (lower-cased names)."""
    applies = {None, "*", *agents}
    tag = headers.get("x-robots-tag")
    found = {d for agent, d in _directives(tag) if agent in applies} if tag else set()
    for name, value in meta.items():
        if name == "robots" or name in agents:
            found |= {d for _, d in _directives(value)}
    if "none" in found:
        found.add("noindex")
    return found


def tdm_reserved(headers: Mapping[str, str], meta: Mapping[str, str]) -> bool:
    return "1" in (headers.get("tdm-reservation", "").strip(), meta.get("tdm-reservation", "").strip())


def content_usage_refuses_training(headers: Mapping[str, str], meta: Mapping[str, str]) -> bool:
    """aipref ``Content-Usage: train-ai=n`` (header or meta; ``n``/``no``, any case)."""
    for value in (headers.get("content-usage", ""), meta.get("content-usage", "")):
        for pair in re.split(r"[,;]", value):
            key, _, setting = pair.partition("=")
            if key.strip().lower() in _TRAIN_KEYS and setting.strip().strip('"').lower() in ("n", "no"):
                return True
    return False


def signal_maps(metadata: Mapping[str, Any] | None) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """``(headers, meta)`` from a document's metadata, empty when absent or malformed."""
    metadata = metadata or {}
    headers, meta = metadata.get("headers"), metadata.get("meta")
    return (headers if isinstance(headers, dict) else {}), (meta if isinstance(meta, dict) else {})
