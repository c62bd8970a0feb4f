"""What the sample plants into documents for each stage to find: PII (and decoys that must
not be found), benchmark passages, and near-duplicate edits.

All PII is fictional by construction: example.com/org/net addresses, the documentation IP
ranges (RFC 5737, RFC 3849) and telephone ranges reserved for drama.
"""

from __future__ import annotations

import math
import random

from dolma_tools.sample import vocabulary as v
from dolma_tools.sample.draft import Draft

EDIT_RATES = (0.02, 0.05, 0.1, 0.2, 0.3)


def _email(r: random.Random) -> str:
    first = _ascii(r.choice(v.FIRST_NAMES)).lower()
    last = _ascii(r.choice(v.SURNAMES)).lower()
    local = r.choice((
        f"{first}.{last}", f"{first}_{last}", f"{first[0]}.{last}{r.randint(1, 99)}",
        f"{first}.{last}+{r.choice(('news', 'orders', 'sample', 'work'))}",
        f"{first}-{last}.{r.randint(1970, 2005)}", f"{last}{r.randint(1, 999)}",
        f"{first}.{r.choice('abcdefghjkmnprstw')}.{last}",
    ))
    domain = r.choice((
        "example.com", "example.org", "example.net", "mail.example.com",
        "dept.example.org", "lists.example.net", "mx1.mail.example.co.uk",
        "staff.uni-example.edu", "EXAMPLE.COM",
    ))
    return f"{local}@{domain}"


def _ascii(name: str) -> str:
    return "".join(c for c in name if c.isascii())


def _phone(r: random.Random) -> str:
    n = r.randint
    return r.choice((
        f"+44 20 7946 0{n(0, 999):03d}",
        f"020 7946 0{n(0, 999):03d}",
        f"+1 (555) 010-{n(0, 9999):04d}",
        f"(312) 555-01{n(0, 99):02d}",
        f"+1-202-555-01{n(0, 99):02d}",
        f"0049 30 {n(100000, 999999)}{n(10, 99)}",
        f"+49 (0)30 {n(1000, 9999)} {n(1000, 9999)}",
        f"+33 1 {n(10, 99)} {n(10, 99)} {n(10, 99)} {n(10, 99)}",
        f"+61 491 570 {n(100, 999)}",
    ))


def _ipv4(r: random.Random) -> str:
    return f"{r.choice(('192.0.2', '198.51.100', '203.0.113'))}.{r.randint(1, 254)}"


def _ipv6(r: random.Random) -> str:
    h = [f"{r.randint(0, 0xFFFF):x}" for _ in range(6)]
    return r.choice((
        f"2001:db8::{h[0]}",
        f"2001:db8:{h[0]}::{h[1]}:{h[2]}",
        f"2001:0db8:0000:0000:0000:ff00:0042:{r.randint(0, 0xFFFF):04x}",
        "2001:db8:" + ":".join(h),
    ))


PII_MAKERS = {"email": _email, "phone": _phone, "ipv4": _ipv4, "ipv6": _ipv6}
PII_CONTEXTS = {
    "email": ("Contact {} for details.", "You can reach me at {}.", "(email: {})",
              "Send your application to {} before Friday.", "Questions? Write to <{}>.",
              "Reply to {}, not to this thread."),
    "phone": ("Call us on {}.", "Phone: {}", "For bookings ring {} between 9 and 5.",
              "Mobile {} (after 6 pm)."),
    "ipv4": ("The server at {} stopped responding.", "Requests from {} were blocked.",
             "Set the gateway to {} and restart."),
    "ipv6": ("The host listens on {} only.", "Traffic from [{}] was dropped.",
             "Its IPv6 address is {}."),
}

# Look-alikes a precise detector must leave alone: (resembles, maker, context).
DECOYS = (
    ("ipv4", lambda r: f"v{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}.{r.randint(0, 9)}",
     "Update the app to {} before the weekend."),
    ("ipv4", lambda r: f"{r.randint(256, 999)}.{r.randint(256, 999)}.{r.randint(0, 99)}.{r.randint(256, 999)}",
     "The log shows build {} twice."),
    ("ipv4", lambda r: f"{r.randint(1, 3)}.{r.randint(10, 99)}.{r.randint(10, 99)}",
     "Release {} fixed the crash."),
    ("phone", lambda r: f"{r.randint(2000, 2024)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
     "The meeting was moved to {}."),
    ("phone", lambda r: f"978-0-{r.randint(100, 999)}-{r.randint(10000, 99999)}-{r.randint(0, 9)}",
     "See the book (ISBN {}) for details."),
    ("ipv6", lambda r: ":".join(f"{r.randint(0, 255):02x}" for _ in range(6)),
     "The card's MAC address is {}."),
    ("ipv6", lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
     "The race finished at {} local time."),
    ("email", lambda r: f"@{r.choice(v.ADJECTIVES)}_{r.randint(1, 999)}",
     "Follow {} for updates."),
)


def _plant(draft: Draft, r: random.Random, value: str, context: str, kind: str, label: str) -> None:
    """Append ``context`` holding ``value`` to a random body paragraph and record the span."""
    paragraph = r.choice(draft.body)
    sentence = context.format(value)
    start = draft.append_to(paragraph, sentence, r.choice((" ", "\n")))
    draft.mark(paragraph, start + sentence.index(value), value, kind, label)


def plant_pii(draft: Draft, r: random.Random, ordinal: int) -> None:
    """One to three PII strings; the first one's type cycles with ``ordinal`` so that even a
    small sample holds every type."""
    kinds = [tuple(PII_MAKERS)[ordinal % len(PII_MAKERS)]]
    kinds += r.choices(("email", "email", "phone", "phone", "ipv4", "ipv6"), k=r.choice((0, 0, 1, 2)))
    for kind in kinds:
        _plant(draft, r, PII_MAKERS[kind](r), r.choice(PII_CONTEXTS[kind]), "pii", kind)


def plant_decoys(draft: Draft, r: random.Random) -> None:
    for resembles, maker, context in r.sample(DECOYS, r.randint(1, 2)):
        _plant(draft, r, maker(r), context, "decoy", resembles)


def plant_passage(draft: Draft, r: random.Random, eval_id: str, eval_text: str) -> None:
    """A whole eval item or a window of at least 15 of its words, as its own paragraph or inline."""
    tokens = eval_text.split(" ")
    if r.random() < 0.5 or len(tokens) <= 15:
        passage = eval_text
    else:
        width = r.randint(15, len(tokens))
        first = r.randint(0, len(tokens) - width)
        passage = " ".join(tokens[first : first + width])
    if r.random() < 0.5:
        index = r.randint(1, len(draft.paragraphs))
        draft.insert(index, passage)
        draft.mark(index, 0, passage, "contamination", eval_id)
    else:
        _plant(draft, r, passage, "{}", "contamination", eval_id)


_FILLERS = v.GENERAL_NOUNS + v.ADJECTIVES + v.ADVERBS


def perturb(draft: Draft, rate: float, r: random.Random) -> tuple[Draft, int]:
    """A copy whose non-boilerplate words are substituted, inserted or deleted at ``rate``.

    Returns the copy and the number of edits (at least one). Boilerplate paragraphs stay
    intact, as mirrors of a page keep the site's chrome. Edit positions are drawn as
    geometric gaps, so the cost is per edit rather than per word.
    """
    edits = 0
    gap = _gap(r, rate)
    paragraphs = list(draft.paragraphs)
    editable = [i for i in range(len(paragraphs)) if i not in draft.fixed]
    for i in editable:
        lines = paragraphs[i].split("\n")
        for j, line in enumerate(lines):
            count = line.count(" ") + 1
            if gap >= count:
                gap -= count
                continue
            tokens = line.split(" ")
            out: list[str] = []
            done = 0
            while gap < len(tokens) - done:
                at = done + gap
                out += tokens[done:at]
                op = int(r.random() * 3)
                if op == 0:
                    out.append(_replacement(tokens[at], r))
                elif op == 1:
                    out += [tokens[at], r.choice(_FILLERS)]
                edits += 1
                done = at + 1
                gap = _gap(r, rate)
            out += tokens[done:]
            gap -= len(tokens) - done
            lines[j] = " ".join(out) if out else r.choice(v.ADVERBS)
        paragraphs[i] = "\n".join(lines)
    if edits == 0:
        i = r.choice(editable)
        paragraphs[i] = paragraphs[i] + " " + r.choice(v.ADVERBS)
        edits = 1
    return Draft(draft.title, paragraphs, set(draft.fixed), list(draft.body)), edits


def _gap(r: random.Random, rate: float) -> int:
    """Words to skip before the next edit: geometric, so each word is edited with ``rate``."""
    return int(math.log(1.0 - r.random()) / math.log(1.0 - rate))


def _replacement(token: str, r: random.Random) -> str:
    while (word := r.choice(_FILLERS)) == token:
        pass
    return word


def jaccard_5gram(a: str, b: str) -> float:
    """Jaccard similarity of the sets of word 5-grams, words being ``str.split()`` tokens."""
    return jaccard(shingles(a), shingles(b))


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    common = len(a & b)
    union = len(a) + len(b) - common
    return common / union if union else 1.0


def shingles(text: str) -> set[tuple[str, ...]]:
    """The set of word 5-grams of ``text``."""
    tokens = text.split()
    return set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], tokens[4:]))
