"""``consent_v1``: the machine-readable signals by which sites refuse AI training, per document.

Every key is document-level, 1.0 when the signal is present, 0.0 when not (keys of a source the
tagger was not given, a robots store or a domain list, are left out):

* ``robots_ai_disallowed``: robots.txt forbids the URL to at least one listed AI agent (by the
  agent's own group, or by ``*`` when it has none); ``robots_disallowed_by_<agent>`` (only when
  1.0) says which. ``robots_star_disallowed``: the ``*`` group alone forbids it, judged apart, so
  ``ai=1, star=0`` is a page that admits crawlers but refuses AI ones.
* ``robots_missing``: the store has no robots.txt for the host (no restriction is assumed).
* ``content_signal_ai_train_no``: robots.txt says ``Content-Signal: ai-train=no`` (Cloudflare).
* ``noai``, ``noimageai``, ``noindex``: X-Robots-Tag or meta robots (see `page_signals`).
* ``tdm_reserved``: TDMRep ``tdm-reservation: 1``. ``content_usage_train_ai_no``: aipref.
* ``domain_listed``: the host or a parent domain is on the user's list (opt-out registries,
  takedown requests).
* ``restricted``: any of the above that refuses AI training (all but ``robots_star_disallowed``,
  ``robots_missing`` and ``noindex``): the one key to drop on in the mixer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from dolma_tools.documents import Attributes, Document
from dolma_tools.taggers.base import Tagger, document_span

from dolma_tools_taggers.blocklist import in_domains, normalize_host, read_domains
from dolma_tools_taggers.page_signals import (
    ROBOTS_DIRECTIVES,
    content_usage_refuses_training,
    robots_directives,
    signal_maps,
    tdm_reserved,
)
from dolma_tools_taggers.robots_store import RobotsStore, with_scheme

DEFAULT_AGENTS = (
    "GPTBot", "CCBot", "ClaudeBot", "anthropic-ai", "Google-Extended", "Applebot-Extended", "Bytespider",
    "Meta-ExternalAgent", "PerplexityBot", "cohere-training-data-crawler", "Diffbot", "ImagesiftBot",
    "Omgilibot", "AI2Bot", "Ai2Bot-Dolma", "Timpibot", "PanguBot",
)
"""AI-training crawlers from the ai.robots.txt list (2025), as named in robots.txt files."""

_REFUSING = ("robots_ai_disallowed", "content_signal_ai_train_no", "noai", "noimageai", "tdm_reserved",
             "content_usage_train_ai_no", "domain_listed")


def agent_key(agent: str) -> str:
    return "robots_disallowed_by_" + agent.lower().replace("-", "_")


class ConsentTagger(Tagger):
    name = "consent_v1"
    description = "Opt-out signals for AI training: robots.txt per AI agent, noai, TDMRep, aipref, a domain list."

    def __init__(self, robots_store: str | None = None, agents: Sequence[str] = DEFAULT_AGENTS,
                 domain_list: str | None = None, url_field: str = "url") -> None:
        if not agents or not all(isinstance(a, str) and a.strip() and a != "*" for a in agents):
            raise ValueError("agents: a non-empty list of user-agent names ('*' is judged on its own)")
        if robots_store is not None and not (os.path.exists(robots_store) or "://" in robots_store):
            raise FileNotFoundError(f"robots.txt store not found: {robots_store!r}")
        if domain_list is not None and not os.path.isfile(domain_list):
            raise FileNotFoundError(f"domain list not found: {domain_list!r}")
        self.store_path, self.domain_path = robots_store, domain_list
        self.agents = tuple(dict.fromkeys(a.strip() for a in agents))
        self.lower_agents = tuple(a.lower() for a in self.agents)
        self.url_field = url_field
        self.store: RobotsStore | None = None
        self.domains: frozenset[str] = frozenset()

    def setup(self) -> None:
        if self.store_path is not None:
            self.store = RobotsStore(self.store_path)
        if self.domain_path is not None:
            self.domains = read_domains(self.domain_path)

    def predict(self, doc: Document) -> Attributes:
        values: dict[str, float] = {}
        url = (doc.metadata or {}).get(self.url_field)
        url = with_scheme(url) if isinstance(url, str) and url else None
        if self.store is not None:
            values.update(self._robots(url))
        headers, meta = signal_maps(doc.metadata)
        directives = robots_directives(headers, meta, self.lower_agents)
        for directive in ROBOTS_DIRECTIVES:
            values[directive] = float(directive in directives)
        values["tdm_reserved"] = float(tdm_reserved(headers, meta))
        values["content_usage_train_ai_no"] = float(content_usage_refuses_training(headers, meta))
        if self.domain_path is not None:
            host = normalize_host(url) if url else None
            values["domain_listed"] = float(host is not None and in_domains(host, self.domains))
        values["restricted"] = float(any(values.get(key) for key in _REFUSING))
        return {key: document_span(doc, value) for key, value in values.items()}

    def _robots(self, url: str | None) -> dict[str, float]:
        robots = self.store.get(url) if url and self.store is not None else None
        if robots is None or url is None:
            return {"robots_missing": 1.0, "robots_ai_disallowed": 0.0, "robots_star_disallowed": 0.0,
                    "content_signal_ai_train_no": 0.0}
        refused, star = robots.refusals(url, self.agents)
        values = {agent_key(agent): 1.0 for agent in refused}
        signals = robots.content_signals(self.lower_agents)
        values.update({
            "robots_missing": 0.0,
            "robots_ai_disallowed": float(bool(refused)),
            "robots_star_disallowed": float(star),
            "content_signal_ai_train_no": float(signals.get("ai-train") in ("no", "n")),
        })
        return values
