from __future__ import annotations

import hashlib

import pytest

from widen.core.exceptions import NotFound
from widen.core.links import (
    link_lookup,
    link_token_digest,
    link_token_matches,
    link_token_new,
)
from widen.organisations.models import Organisation


def test_new_tokens_are_random_and_only_the_digest_identifies_them() -> None:
    first, second = link_token_new(), link_token_new()
    assert first.token != second.token
    assert len(first.token) >= 43
    assert first.digest == hashlib.sha256(first.token.encode()).hexdigest()
    assert first.token not in first.digest


def test_a_token_matches_only_its_own_digest() -> None:
    link = link_token_new()
    assert link_token_matches(link.token, link.digest)
    assert not link_token_matches(link_token_new().token, link.digest)
    assert not link_token_matches("", link.digest)
    assert not link_token_matches(link.token, "")
    assert not link_token_matches(link.token + "x", link.digest)
    assert not link_token_matches("a" * 10_000, link_token_digest("a" * 10_000))


@pytest.mark.django_db
def test_lookup_answers_a_wrong_token_like_a_missing_one() -> None:
    link = link_token_new()
    # Any model with a text field will do: store the digest in an organisation's name.
    org = Organisation.objects.create(name=link.digest, organisation_type="school")
    other = link_token_new()
    Organisation.objects.create(name=other.digest, organisation_type="school")
    queryset = Organisation.objects.all()
    assert link_lookup(queryset, link.token, field="name") == org
    messages = set()
    for wrong in ("", None, link.digest, link.token[:-1], "x" * 100_000, "a\x00b", "é"):
        with pytest.raises(NotFound) as caught:
            link_lookup(queryset, wrong, field="name")
        messages.add(str(caught.value))
    assert messages == {"This link is not valid."}
