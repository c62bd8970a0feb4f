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
* ``tdm_reserved``: TDMRep ``tdm-reservation: 1`` (header, meta, or the host's
  ``/.well-known/tdmrep.json`` when a ``tdmrep_store`` is given; ``tdmrep_file_reserved`` then
  says whether the file alone reserves it). ``content_usage_train_ai_no``: aipref.
* ``domain_listed``: the host or a parent domain is on the user's list (opt-out registries,
  takedown requests).
* ``restricted``: any of the above that refuses AI training (all but ``robots_star_disallowed``,
  ``robots_missing`` and ``noindex``): the one key to drop on in the mixer.

Speed: a document costs a few dictionary lookups. The robots verdict comes from the per-file
cache of `robots_rules`, the robots keys and the page-signal keys of a verdict or a set of
headers and meta tags are worked out once and reused, and the spans of one document share two
lists (the tag stage copies them).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger

from dolma_tools_taggers.blocklist import in_domains, read_domains
from dolma_tools_taggers.page_signals import (
    ROBOTS_DIRECTIVES,
    content_usage_refuses_training,
    robots_directives,
    signal_maps,
    tdm_reserved,
)
from dolma_tools_taggers.robots_rules import url_parts
from dolma_tools_taggers.robots_store import RobotsStore, with_scheme
from dolma_tools_taggers.tdmrep import TdmRepStore

DEFAULT_AGENTS = (
    "GPTBot", "CCBot", "ClaudeBot", "anthropic-ai", "Google-Extended", "Applebot-Extended", "Bytespider",
    "Meta-ExternalAgent", "PerplexityBot", "cohere-training-data-crawler", "Diffbot", "ImagesiftBot",
    "Omgilibot", "AI2Bot", "Ai2Bot-Dolma", "Timpibot", "PanguBot",
)
"""AI-training crawlers from the ai.robots.txt list (2025), as named in robots.txt files."""

_REFUSING = frozenset(("robots_ai_disallowed", "content_signal_ai_train_no", "noai", "noimageai", "tdm_reserved",
                       "content_usage_train_ai_no", "domain_listed", "tdmrep_file_reserved"))
_MEMO_LIMIT = 65536
Values = tuple[tuple[str, float], ...]


def agent_key(agent: str) -> str:
    return "robots_disallowed_by_" + agent.lower().replace("-", "_")


class ConsentTagger(Tagger):
    name = "consent_v1"
    description = "Opt-out signals for AI training: robots.txt per AI agent, noai, TDMRep, aipref, a domain list."

    def __init__(self, robots_store: str | None = None, agents: Sequence[str] = DEFAULT_AGENTS,
                 domain_list: str | None = None, url_field: str = "url", tdmrep_store: str | None = None) -> None:
        if not agents or not all(isinstance(a, str) and a.strip() and a != "*" for a in agents):
            raise ValueError("agents: a non-empty list of user-agent names ('*' is judged on its own)")
        for option, path in (("robots.txt", robots_store), ("tdmrep.json", tdmrep_store)):
            if path is not None and not (os.path.exists(path) or "://" in path):
                raise FileNotFoundError(f"{option} store not found: {path!r}")
        if domain_list is not None and not os.path.isfile(domain_list):
            raise FileNotFoundError(f"domain list not found: {domain_list!r}")
        self.store_path, self.domain_path, self.tdmrep_path = robots_store, domain_list, tdmrep_store
        self.agents = tuple(dict.fromkeys(a.strip() for a in agents))
        self.lower_agents = tuple(a.lower() for a in self.agents)
        self.url_field = url_field
        self.store: RobotsStore | None = None
        self.tdmrep: TdmRepStore | None = None
        self.domains: frozenset[str] = frozenset()
        self._robots_memo: dict[tuple, Values] = {}
        self._page_memo: dict[tuple, Values] = {}

    def setup(self) -> None:
        if self.store_path is not None:
            self.store = RobotsStore(self.store_path)
        if self.tdmrep_path is not None:
            self.tdmrep = TdmRepStore(self.tdmrep_path)
        if self.domain_path is not None:
            self.domains = read_domains(self.domain_path)

    def predict(self, doc: Document) -> Attributes:
        url = (doc.metadata or {}).get(self.url_field)
        url = with_scheme(url) if isinstance(url, str) and url else None
        values = self._robots(url) if self.store is not None else ()
        values += self._page(doc.metadata)
        if self.tdmrep is not None:
            file_reserved = url is not None and self.tdmrep.reserved(url) is True
            values += (("tdmrep_file_reserved", float(file_reserved)),)
            if file_reserved:
                values = tuple((key, 1.0 if key == "tdm_reserved" else value) for key, value in values)
        if self.domain_path is not None:
            host = url_parts(url)[0] if url else None
            values += (("domain_listed", float(host is not None and in_domains(host, self.domains))),)
        restricted = any(value for key, value in values if key in _REFUSING)
        one, zero = [Span(0, len(doc.text), 1.0)], [Span(0, len(doc.text), 0.0)]
        attributes = {key: one if value else zero for key, value in values}
        attributes["restricted"] = one if restricted else zero
        return attributes

    def _page(self, metadata: dict | None) -> Values:
        """The page-signal keys of a document's headers and meta tags, worked out once per set."""
        headers, meta = signal_maps(metadata)
        try:
            memo_key = (tuple(headers.items()), tuple(meta.items()))
            cached = self._page_memo.get(memo_key)
        except TypeError:  # unhashable values: work them out every time
            memo_key, cached = None, None
        if cached is not None:
            return cached
        directives = robots_directives(headers, meta, self.lower_agents)
        values = tuple((directive, float(directive in directives)) for directive in ROBOTS_DIRECTIVES) + (
            ("tdm_reserved", float(tdm_reserved(headers, meta))),
            ("content_usage_train_ai_no", float(content_usage_refuses_training(headers, meta))),
        )
        if memo_key is not None and len(self._page_memo) < _MEMO_LIMIT:
            self._page_memo[memo_key] = values
        return values

    def _robots(self, url: str | None) -> Values:
        host, path = url_parts(url) if url else (None, None)
        robots = self.store.hosts.get(host) if host and self.store is not None else None
        if robots is None or url is None:
            return (("robots_missing", 1.0), ("robots_ai_disallowed", 0.0), ("robots_star_disallowed", 0.0),
                    ("content_signal_ai_train_no", 0.0))
        refused, star = robots.judge(url, path, self.agents)
        signal_no = robots.content_signals(self.lower_agents).get("ai-train") in ("no", "n")
        memo_key = (refused, star, signal_no)
        values = self._robots_memo.get(memo_key)
        if values is None:
            values = tuple((agent_key(agent), 1.0) for agent in refused) + (
                ("robots_missing", 0.0),
                ("robots_ai_disallowed", float(bool(refused))),
                ("robots_star_disallowed", float(star)),
                ("content_signal_ai_train_no", float(signal_no)),
            )
            self._robots_memo[memo_key] = values
        return values
