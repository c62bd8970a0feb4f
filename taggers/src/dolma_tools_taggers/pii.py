"""Personal data found by pattern: e-mail addresses, phone numbers, IPv4 and IPv6 addresses.

Keys: ``email``, ``phone``, ``ipv4``, ``ipv6`` (one span per match, exact code-point
boundaries, score 1.0) and ``<kind>_count`` (document-level counts). Each pattern has a cheap
prefilter (an ``@``, a ``:``, a digit run) so that documents without candidates cost one C-level
scan.

* E-mail: RFC 5322 "dot-atom" local part (letters, digits, ``!#$%&'*+/=?^_`{|}~-``, single
  dots inside) and a host of dot-separated DNS labels ending in an alphabetic TLD of 2+ letters.
  ASCII only: internationalised addresses are rare on the web and would widen false hits.
* IPv4: four decimal octets 0-255 without leading zeros, not glued to a word character, a dot
  or further ``.digits`` (so version strings like ``1.2.3.4.5`` or ``v2.10.3.1`` do not match).
* IPv6: the RFC 4291 text forms (full, ``::``-compressed, IPv4-suffixed), not glued to word
  characters or colons; the bare ``::`` is left out (it is common punctuation in code).
* Phone: an optional international prefix (``+CC`` or ``00CC``, with an optional ``(0)``), an
  optional bracketed area code, then digit groups separated by single spaces, dots or hyphens.
  A candidate counts when it has 8-15 digits after an international prefix, or 9-11 digits
  with at least one separator or bracket otherwise (E.164 allows at most 15; bare digit runs
  are too often ids or amounts). Candidates shaped like thousands (``1 234 567``), or that
  overlap an e-mail or IP match, are dropped. Local seven-digit numbers (``555-0123``) are not
  reported: they look like too many other things.
"""

from __future__ import annotations

import re

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger, document_span

_EMAIL = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])"
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(?![\w-]|\.[A-Za-z0-9])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_TEXT = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_IPV4 = re.compile(rf"(?<![\w.]){_IPV4_TEXT}(?!\w|\.\d)")
_H16 = r"[0-9A-Fa-f]{1,4}"
_IPV6_FORMS = [
    rf"(?:{_H16}:){{7}}{_H16}",
    rf"(?:{_H16}:){{6}}{_IPV4_TEXT}",
    rf"(?:{_H16}:){{1,7}}:",
    rf"(?:{_H16}:){{1,6}}:{_H16}",
    rf"(?:{_H16}:){{1,5}}(?::{_H16}){{1,2}}",
    rf"(?:{_H16}:){{1,4}}(?::{_H16}){{1,3}}",
    rf"(?:{_H16}:){{1,3}}(?::{_H16}){{1,4}}",
    rf"(?:{_H16}:){{1,2}}(?::{_H16}){{1,5}}",
    rf"{_H16}:(?::{_H16}){{1,6}}",
    rf"::(?:ffff(?::0{{1,4}})?:)?{_IPV4_TEXT}",
    rf"(?:{_H16}:){{1,4}}:{_IPV4_TEXT}",
    rf":(?::{_H16}){{1,7}}",
]
_IPV6 = re.compile(rf"(?<![\w:.])(?:{'|'.join(_IPV6_FORMS)})(?![\w:]|\.\d)")
_PHONE = re.compile(
    r"(?<![\w+.-])"
    r"(?P<intl>(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?)?"
    r"(?P<area>\(\d{1,5}\)[ .-]?)?"
    r"\d{1,8}(?:[ .-]\d{1,8}){0,6}"
    r"(?![\w]|[.-]\d)"
)
_DIGITS = re.compile(r"\d")
_HAS_DIGIT_RUN = re.compile(r"\d[\d .()-]{6}")
_GROUP = re.compile(r"\d+")


def _valid_phone(text: str, intl: str | None, area: bool) -> bool:
    digits = len(_DIGITS.findall(text))
    if intl:
        e164 = digits - (2 if intl.startswith("00") else 0) - (1 if "(0)" in intl else 0)
        return 8 <= e164 <= 15
    if not 9 <= digits <= 11:
        return False
    if area:
        return True
    groups = _GROUP.findall(text)
    return len(groups) >= 2 and not (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))


def _phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    """The match, or its longest prefix ending at a digit group that is a valid number.

    The pattern is greedy, so "call 555-010-1234 12 times" first matches "555-010-1234 12";
    dropping trailing groups recovers the number.
    """
    start = match.start()
    fixed = match.end("area") if match.group("area") else match.end("intl") if match.group("intl") else start
    ends = [m.end() for m in _GROUP.finditer(match.string, fixed, match.end())]
    for end in reversed(ends):
        if _valid_phone(match.string[start:end], match.group("intl"), bool(match.group("area"))):
            return start, end
    return None


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def find_pii(text: str) -> dict[str, list[tuple[int, int]]]:
    """Spans of each kind of personal data in ``text``."""
    found: dict[str, list[tuple[int, int]]] = {"email": [], "phone": [], "ipv4": [], "ipv6": []}
    if "@" in text:
        found["email"] = [m.span() for m in _EMAIL.finditer(text)]
    if "::" in text or text.count(":") >= 7:
        found["ipv6"] = [m.span() for m in _IPV6.finditer(text)]
    if "." in text:
        found["ipv4"] = [s for s in (m.span() for m in _IPV4.finditer(text)) if not _overlaps(*s, found["ipv6"])]
    if _HAS_DIGIT_RUN.search(text):
        taken = found["email"] + found["ipv4"] + found["ipv6"]
        phones = (_phone_span(m) for m in _PHONE.finditer(text))
        found["phone"] = [span for span in phones if span is not None and not _overlaps(*span, taken)]
    return found


class PiiRegexTagger(Tagger):
    name = "pii_regex_v1"
    description = "E-mail, phone, IPv4 and IPv6 spans with exact boundaries, plus counts."
    keys = ("email", "email_count", "phone", "phone_count", "ipv4", "ipv4_count", "ipv6", "ipv6_count")

    def predict(self, doc: Document) -> Attributes:
        result: Attributes = {}
        for kind, spans in find_pii(doc.text).items():
            result[kind] = [Span(start, end, 1.0) for start, end in spans]
            result[f"{kind}_count"] = document_span(doc, len(spans))
        return result
