"""Document shapes per source (web, news, forum, wiki) and the low-quality kinds.

Layout convention of every document: lines are separated by ``\\n`` and paragraphs by a
blank line (``\\n\\n``). Boilerplate lines are always paragraphs of their own.
"""

from __future__ import annotations

import random

from dolma_tools.sample import vocabulary as v
from dolma_tools.sample.boilerplate import BOILERPLATE
from dolma_tools.sample.draft import Draft
from dolma_tools.sample.grammar import SentencePool

SOURCES = ("forum", "news", "web", "wiki")
LOW_QUALITY_REASONS = (
    "too_short", "symbol_heavy", "bullet_heavy", "ellipsis_heavy", "lorem_ipsum",
    "javascript_notice", "repeated_lines",
)
SYMBOLS = "★ ☆ ### >>> <<< $$$ !!! *** ~~~ ||| @@ %% +++ ▶ ■ ✦ ==>".split()


class Composer:
    """Builds drafts; all randomness comes from ``rng`` (structure) and ``pool`` (sentences)."""

    def __init__(self, pool: SentencePool, rng: random.Random, mean_words: int) -> None:
        self.pool = pool
        self.rng = rng
        self.mean_words = mean_words

    # -- helpers -------------------------------------------------------------------------
    def _sentence_count(self, lang: str, topic: str | None) -> int:
        words = self.rng.gammavariate(3.0, self.mean_words / 3.0)
        words = min(max(words, 40.0), 6.0 * self.mean_words)
        per_sentence = self.pool.grammar(lang, "sentence", topic).mean_words
        return max(3, round(words / per_sentence))

    def _fixed(self, draft: Draft, kind: str) -> None:
        """Add a catalogue line of ``kind`` that this draft does not hold yet."""
        unused = [t for t in BOILERPLATE[kind] if t not in draft.boilerplate()]
        if unused:
            draft.add(self.rng.choice(unused), fixed=True)

    def _prose(self, draft: Draft, sentences: list[str], low: int, high: int) -> None:
        """Group sentences into body paragraphs of ``low``..``high`` sentences."""
        i = 0
        while i < len(sentences):
            k = self.rng.randint(low, high)
            if len(sentences) - (i + k) < low:  # no short leftover paragraph
                k = len(sentences) - i
            draft.add(" ".join(sentences[i : i + k]), body=True)
            i += k

    def _name(self) -> str:
        return f"{self.rng.choice(v.FIRST_NAMES)} {self.rng.choice(v.SURNAMES)}"

    def _date(self) -> str:
        return f"{self.rng.randint(1, 28)} {self.rng.choice(v.MONTHS)} {self.rng.randint(2008, 2024)}"

    def _username(self) -> str:
        r = self.rng
        return f"{r.choice(v.ADJECTIVES)}_{r.choice(v.GENERAL_NOUNS).replace(' ', '')}{r.randint(1, 9999)}"

    # -- sources -------------------------------------------------------------------------
    def compose(self, source: str, lang: str, topic: str | None) -> Draft:
        """A normal document of ``source`` in ``lang`` (non-English ones carry no boilerplate)."""
        if lang != "en":
            return self._foreign(lang)
        return getattr(self, f"_{source}")(topic)

    def _web(self, topic: str | None) -> Draft:
        r, draft = self.rng, Draft()
        cookies = r.choice(("top", "bottom", None))
        if r.random() < 0.7:
            self._fixed(draft, "nav_menu")
        if cookies == "top":
            self._fixed(draft, "cookie_notice")
        draft.title = self.pool.one("en", "title", topic)
        draft.add(draft.title)
        if r.random() < 0.35:
            draft.add(f"Posted on {self._date()} by {self._name()} · {r.randint(2, 15)} min read")
        sentences = self.pool.take("en", "sentence", topic, self._sentence_count("en", topic))
        self._prose(draft, sentences, 2, 5)
        if r.random() < 0.5:
            bullet = r.choice(("• ", "- ", "* ", "✓ "))
            items = self.pool.take("en", "item", topic, r.randint(3, 7))
            lines = [f"{i + 1}. {t}" if bullet == "* " and r.random() < 0.5 else bullet + t for i, t in enumerate(items)]
            draft.insert(r.randint(2, len(draft.paragraphs)), "\n".join(lines))
        for kind, p in (("share_bar", 0.3), ("newsletter", 0.3), ("copyright", 0.6)):
            if r.random() < p:
                self._fixed(draft, kind)
        if cookies == "bottom":
            self._fixed(draft, "cookie_notice")
        return draft

    def _news(self, topic: str | None) -> Draft:
        r, draft = self.rng, Draft()
        draft.title = self.pool.one("en", "title", topic)
        draft.add(draft.title)
        draft.add(f"By {self._name()} | {self._date()}, {r.randint(0, 23):02d}:{r.randint(0, 59):02d}")
        sentences = self.pool.take("en", "sentence", topic, self._sentence_count("en", topic))
        place = r.choice(v.PLACES).upper()
        sentences[0] = f"{place} — {sentences[0]}"
        i = 0
        while i < len(sentences):
            k = r.randint(1, 3)
            if i and r.random() < 0.25:
                quote = sentences[i].rstrip(".!?")
                role = r.choice(v.ROLES).replace("_", " ")
                draft.add(f"“{quote},” said {self._name()}, {role}.", body=True)
                k = 1
            else:
                draft.add(" ".join(sentences[i : i + k]), body=True)
            i += k
        if r.random() < 0.4:
            self._fixed(draft, "news_footer")
        return draft

    def _forum(self, topic: str | None) -> Draft:
        r, draft = self.rng, Draft()
        draft.title = self.pool.one("en", "question", topic)
        draft.add(draft.title if r.random() < 0.5 else "Re: " + draft.title)
        budget = self._sentence_count("en", topic)
        chat = self.pool.take("en", "chat", topic, budget - budget // 3)
        prose = self.pool.take("en", "sentence", topic, budget // 3)
        previous: list[str] = []
        while chat or prose:
            user = self._username()
            lines = [r.choice((f"{user} wrote:", f"Posted by {user} · {r.randint(1, 30)} days ago"))]
            if previous and r.random() < 0.4:
                quoted = r.choice(previous).split()
                lines.append("> " + " ".join(quoted[: max(3, len(quoted) - r.randint(1, 2))]) + " …")
            k, j = r.randint(1, 5), r.randint(0, 3)
            for line in chat[:k] + prose[:j]:
                lines.append(line + " " + r.choice(v.EMOJI) if r.random() < 0.15 else line)
            chat, prose = chat[k:], prose[j:]
            previous = lines[1:]
            draft.add("\n".join(lines), body=True)
            if r.random() < 0.25:
                self._fixed(draft, "forum_reply")
        return draft

    def _wiki(self, topic: str | None) -> Draft:
        r, draft = self.rng, Draft()
        noun = r.choice(v.GENERAL_NOUNS).title()
        if r.random() < 0.5:
            title = f"{r.choice(v.TOWNS)} {r.choice(v.GENERAL_NOUNS).title()} {noun}"
        else:
            title = f"{self._name()} {noun}"
        draft.title = title
        draft.add(title)
        native = f" ({r.choice(v.NATIVE_NAMES)})" if r.random() < 0.25 else ""
        sentences = self.pool.take("en", "sentence", topic, self._sentence_count("en", topic))
        sentences = [s + f"[{r.randint(1, 40)}]" if r.random() < 0.2 else s for s in sentences]
        lead = max(2, len(sentences) // 5)
        noun = v.with_article(r.choice(v.GENERAL_NOUNS))
        draft.add(f"{title}{native} is {noun} in {r.choice(v.PLACES)}. " + " ".join(sentences[:lead]), body=True)
        rest = sentences[lead:]
        headings = r.sample(BOILERPLATE["section_heading"], len(BOILERPLATE["section_heading"]))
        sections = min(len(headings), max(1, len(rest) // r.randint(4, 12)))
        size = -(-len(rest) // sections)
        for i in range(0, len(rest), size):
            draft.add(headings.pop(), fixed=True)
            self._prose(draft, rest[i : i + size], 3, 6)
        return draft

    def _foreign(self, lang: str) -> Draft:
        draft = Draft(title=self.pool.one(lang, "title"))
        draft.add(draft.title)
        self._prose(draft, self.pool.take(lang, "sentence", None, self._sentence_count(lang, None)), 2, 5)
        return draft

    # -- low quality ---------------------------------------------------------------------
    def low_quality(self, reason: str, topic: str | None) -> Draft:
        """A document that a quality tagger should flag for ``reason``."""
        r, draft = self.rng, Draft(title=reason.replace("_", " "))
        if reason == "too_short":
            draft.add(self.pool.one("en", "title", topic))
        elif reason == "symbol_heavy":
            items = self.pool.take("en", "item", topic, r.randint(4, 10))
            draft.add("\n".join(" ".join(r.choices(SYMBOLS, k=r.randint(3, 8)) + [t.upper()] + r.choices(SYMBOLS, k=3)) for t in items))
        elif reason == "bullet_heavy":
            items = self.pool.take("en", "item", topic, r.randint(15, 30))
            draft.add("\n".join("• " + t for t in items))
        elif reason == "ellipsis_heavy":
            lines = self.pool.take("en", "sentence", topic, r.randint(8, 20))
            draft.add("\n".join(" ".join(s.split()[: r.randint(6, 9)]) + "..." for s in lines))
        elif reason == "lorem_ipsum":
            for _ in range(r.randint(2, 4)):
                text = " ".join(r.choices(v.LOREM, k=r.randint(40, 80)))
                draft.add(text[0].upper() + text[1:] + ".", body=True)
        elif reason == "javascript_notice":
            draft.add(self.pool.one("en", "title", topic))
            self._fixed(draft, "javascript_notice")
        elif reason == "repeated_lines":
            line = self.pool.one("en", "sentence", topic)
            draft.add("\n".join([line] * r.randint(10, 30)))
        else:
            raise ValueError(f"unknown low-quality reason {reason!r}")
        return draft
