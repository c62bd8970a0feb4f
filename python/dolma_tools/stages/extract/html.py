"""HTML to main text, and the ``<meta>`` tags that carry usage signals.

Two extractors, chosen in the config: Resiliparse (``resiliparse``, C++, main-content heuristics,
fast) and Trafilatura (``trafilatura``, lxml, better boilerplate removal, several times slower).
The page is parsed once with Resiliparse's HTML5 parser for the ``<meta>`` tags either way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

Extractor = Callable[[object, str], str]
"""``(parsed tree, html) -> main text`` ("" when the page has none)."""


def _resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text

    def extract(tree: object, html: str) -> str:
        return extract_plain_text(tree, preserve_formatting=True, main_content=True, alt_texts=False)  # type: ignore[arg-type]

    return extract


def _trafilatura() -> Extractor:
    import trafilatura
    from trafilatura.settings import use_config

    settings = use_config()
    settings.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its timeout uses SIGALRM; tasks have their own

    def extract(tree: object, html: str) -> str:
        return trafilatura.extract(html, include_comments=False, config=settings) or ""

    return extract


EXTRACTORS: dict[str, Callable[[], Extractor]] = {"resiliparse": _resiliparse, "trafilatura": _trafilatura}
REQUIRED_MODULES = {"resiliparse": ("resiliparse", "fastwarc", "warcio"),
                    "trafilatura": ("resiliparse", "fastwarc", "warcio", "trafilatura")}
"""Modules each extractor needs (the readers are FastWARC and, for ARC, warcio; the meta-tag parser
is Resiliparse)."""


def parse(html: str) -> object:
    from resiliparse.parse.html import HTMLTree

    return HTMLTree.parse(html)


def meta_tags(tree: object, keep: Collection[str]) -> dict[str, str]:
    """``<meta name=... content=...>`` (and ``http-equiv``) whose lower-cased name is in ``keep``;
    repeated names are joined with ``, `` as their directives combine."""
    head = getattr(tree, "head", None)
    if head is None:
        return {}
    found: dict[str, list[str]] = {}
    for element in head.get_elements_by_tag_name("meta"):
        name = (element.getattr("name") or element.getattr("http-equiv") or "").strip().lower()
        content = element.getattr("content")
        if name in keep and content is not None:
            found.setdefault(name, []).append(content.strip())
    return {name: ", ".join(values) for name, values in found.items()}
