"""The register of personal data covers every model that holds personal data (the tripwire)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.apps import apps

from widen.audit.registry import Register, register
from widen.events.models import Booking


def test_every_model_holding_personal_data_is_in_the_register(
    record_property: Callable[[str, object], None],
) -> None:
    models = list(apps.get_models())
    missing = register.missing(models)
    # The security scorecard's data-rights coverage: models in the register (whose data, kinds,
    # lawful basis, retention, erasure, export) and personal-data models left out of it.
    record_property("data_rights_models_registered", len(list(register)))
    record_property("data_rights_models_missing", len(missing))
    assert missing == [], (
        "A model holds personal data (a person's name, e-mail, date of birth, bank details, or "
        "a link to a learner or an account) but is not in the register: declare it in its app's "
        "personal_data.py (whose data, categories, lawful basis, retention, erasure), or say why "
        "it is not personal with declare_not_personal."
    )


def test_the_tripwire_catches_a_model_left_out() -> None:
    incomplete = Register()
    for entry in register:
        if entry.model is not Booking:
            incomplete.add(entry)
    incomplete.exempt.update(register.exempt)
    assert incomplete.missing(list(apps.get_models())) == ["events.booking"]


@pytest.mark.django_db
@pytest.mark.parametrize("entry", list(register), ids=lambda entry: entry.label)
def test_every_way_of_finding_the_person_is_a_real_path(entry: object) -> None:
    rows = entry.rows_of(  # type: ignore[attr-defined]
        learner_ids=[uuid.uuid4()],
        user_ids=[uuid.uuid4()],
        emails=["nobody@example.org"],
        names=["Nobody"],
    )
    assert list(rows) == []


def test_every_entry_says_why_it_is_held_and_for_how_long() -> None:
    for entry in register:
        assert entry.categories, entry.label
        assert entry.retention.description, entry.label
        assert entry.subjects, entry.label
