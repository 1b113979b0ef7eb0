"""The words a pair's message is flagged for, so a coordinator checks it for safeguarding.

A small list kept here, in the words of the safeguarding training mentors are given: a request
to meet or talk away from Widen, to keep a secret, to share contact details, or a sign of harm.
Each is matched as whole words, whatever the case, so "address" flags "What's your address?" but
not "addressed"; a phrase matches across any spacing, and a curly apostrophe as a straight one.
A flagged message is kept as sent; the coordinators are told a message was flagged, never what
it says.
"""

from __future__ import annotations

import re

SAFEGUARDING_WORDS: tuple[str, ...] = (
    # Being alone, or away from Widen
    "meet alone",
    "just us",
    "my place",
    "your place",
    "pick you up",
    "come over",
    # Contact details and other apps
    "address",
    "phone number",
    "mobile number",
    "snapchat",
    "whatsapp",
    "instagram",
    "telegram",
    "tiktok",
    "discord",
    "dm me",
    "text me",
    # Secrets
    "secret",
    "don't tell",
    "do not tell",
    "our little secret",
    "delete this",
    # Harm
    "hurt",
    "hurting",
    "self-harm",
    "self harm",
    "suicide",
    "kill myself",
    "abuse",
    "unsafe",
    "scared",
    "gift",
)


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


_PATTERNS = tuple((phrase, _pattern(phrase)) for phrase in SAFEGUARDING_WORDS)


def safeguarding_words_in(text: str) -> list[str]:
    """The listed words and phrases `text` holds, in the list's order, each once."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'")
    return [phrase for phrase, pattern in _PATTERNS if pattern.search(plain)]
