"""PII patterns: exact boundaries on tricky cases, and look-alikes that must not match."""

from __future__ import annotations

import pytest

from dolma_tools.documents import Document
from dolma_tools_taggers.pii import PiiRegexTagger, find_pii


def found(text: str, kind: str) -> list[str]:
    return [text[a:b] for a, b in find_pii(text)[kind]]


@pytest.mark.parametrize(("text", "expected"), [
    ("Write to john.doe+news@mail.example.co.uk.", ["john.doe+news@mail.example.co.uk"]),
    ("(contact: a_b-c@sub.domain.org), or x@y.io!", ["a_b-c@sub.domain.org", "x@y.io"]),
    ("über: jürgen@example.de is not ASCII, bob@example.com is", ["bob@example.com"]),
    ("not mail: user@localhost, a@b.c, @handle, name@", []),
])
def test_email(text: str, expected: list[str]) -> None:
    assert found(text, "email") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Call +44 20 7946 0958 today.", ["+44 20 7946 0958"]),
    ("US office: +1 (555) 010-1234.", ["+1 (555) 010-1234"]),
    ("Berlin: 0049 30 1234567, Paris: +33 1 23 45 67 89", ["0049 30 1234567", "+33 1 23 45 67 89"]),
    ("Local (555) 010-1234, 555-010-1234 and 555.010.1234; UK 020 7946 0958.",
     ["(555) 010-1234", "555-010-1234", "555.010.1234", "020 7946 0958"]),
    ("Ring 555-010-1234 12 times", ["555-010-1234"]),
    ("+49 (0)30 1234567", ["+49 (0)30 1234567"]),
])
def test_phone(text: str, expected: list[str]) -> None:
    assert found(text, "phone") == expected


def test_phone_lookalikes_do_not_match() -> None:
    text = ("On 2024-01-15, 1 234 567 people paid 4111 1111 1111 1111; ISBN 978-3-16-148410-0; "
            "years 1999-2003; id 1234567890; extension 555-0123; v2.10.3.1; 192.168.100.200.")
    assert found(text, "phone") == []


def test_ipv4() -> None:
    text = "Hosts 192.168.0.1, 10.0.0.255. and 8.8.8.8:53 but not 256.1.1.1, 1.2.3.4.5, v2.10.3.1, 01.2.3.4 or 1.2.3"
    assert found(text, "ipv4") == ["192.168.0.1", "10.0.0.255", "8.8.8.8"]


def test_ipv6() -> None:
    text = ("Use 2001:db8::1, fe80::1ff:fe23:4567:890a, ::1, ::ffff:192.0.2.128 or "
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334; not std::vector, 12:30:45, :: or 00:1A:2B:3C:4D:5E.")
    assert found(text, "ipv6") == [
        "2001:db8::1", "fe80::1ff:fe23:4567:890a", "::1", "::ffff:192.0.2.128",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    ]
    assert found(text, "ipv4") == []  # the IPv4 tail of ::ffff:192.0.2.128 belongs to the IPv6 match


def test_tagger_spans_are_code_points_and_counts_add_up() -> None:
    text = "Ünïcödé 😀 text: mail ann@example.org or call +44 20 7946 0958 from 10.1.2.3."
    tags = PiiRegexTagger().predict(Document(id="d", text=text))
    (start, end, score), = tags["email"]
    assert text[start:end] == "ann@example.org" and score == 1.0
    assert [text[s:e] for s, e, _ in tags["phone"]] == ["+44 20 7946 0958"]
    assert tags["ipv4_count"][0].score == 1 and tags["ipv6_count"][0].score == 0
