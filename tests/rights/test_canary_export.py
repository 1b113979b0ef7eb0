"""A subject access export holds everything about the person, from every model in the register.

A canary person (`widen.testing.canary`) has a row in every registered model, each holding values
nothing else holds. The tests are parametrised over the register, so a model added to it is
covered without touching this file: the canary must then be given a row in it too.
"""

from __future__ import annotations

import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from widen.accounts.models import Role
from widen.audit.registry import PersonalData, register
from widen.rights.exporting import Export, as_html, as_json, as_pdf, subject_access_export
from widen.rights.models import RequestKind, RightsRequest
from widen.rights.services import (
    RequestDetails,
    rights_request_export,
    rights_request_name_records,
    rights_request_record,
)
from widen.testing.canary import Canary, seed_canary_person
from widen.testing.world import World

ENTRIES = list(register)


def request_naming(world: World, canary: Canary, *, kind: str) -> RightsRequest:
    """A request to Alpha University, recorded by its data-protection officer, naming the
    canary's learner record, account and e-mail address, as the request pages do."""
    officer = world.users[Role.DATA_PROTECTION_OFFICER]
    request = rights_request_record(
        actor=officer,
        organisation=world.alpha,
        details=RequestDetails(
            kind=kind,
            person_name=canary.full_name,
            person_email=canary.person.emails[0],
            details="By e-mail",
            received_on=timezone.localdate(),
        ),
    )
    return rights_request_name_records(
        actor=officer,
        request=request,
        learner_ids=[canary.learner.pk],
        user_ids=[canary.user.pk],
        emails=[canary.person.emails[0]],
    )


@pytest.fixture
def canaries(world: World) -> tuple[Canary, Canary]:
    """The person asking, and another person with the same kinds of records."""
    return (
        seed_canary_person(world, tag="Quillon", postcode="ZE2 9QQ", serial=4242),
        seed_canary_person(world, tag="Brackley", postcode="ZE3 8JJ", serial=5353),
    )


@pytest.fixture
def export(canaries: tuple[Canary, Canary]) -> Export:
    canary, _ = canaries
    return subject_access_export(canary.person, person_name=canary.full_name)


def _rows_text(export: Export, label: str) -> str:
    return json.dumps(
        [section.rows for section in export.sections if section.model == label],
        ensure_ascii=False,
    ).lower()


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.label)
def test_the_export_has_the_persons_rows_of_every_registered_model(
    entry: PersonalData, canaries: tuple[Canary, Canary], export: Export
) -> None:
    canary, _ = canaries
    assert entry.label in canary.values, (
        f"{entry.label} is in the register but the canary person has no row in it: give them "
        "one in widen/testing/canary.py."
    )
    mine = set(canary.person.rows_in(entry).values_list("pk", flat=True))
    assert mine, f"The canary's row in {entry.label} is not found by its register entry."
    sections = [section for section in export.sections if section.model == entry.label]
    assert len(sections) == 1, f"The export has no section for {entry.label}."
    assert len(sections[0].rows) == len(mine)
    text = _rows_text(export, entry.label)
    for value in canary.values[entry.label]:
        assert value.lower() in text, f"{value!r} of {entry.label} is not in the export."


@pytest.mark.django_db
def test_the_json_and_html_hold_every_canary_value(
    canaries: tuple[Canary, Canary], export: Export
) -> None:
    canary, _ = canaries
    machine = as_json(export).lower()
    assert json.loads(as_json(export))["person_name"] == canary.full_name
    readable = as_html(export).lower()
    for value in canary.all_values():
        assert value.lower() in machine, value
        # The page escapes what HTML would read as markup; the canaries hold none.
        assert value.lower() in readable, value


@pytest.mark.django_db
def test_the_pdf_names_the_learner(canaries: tuple[Canary, Canary], export: Export) -> None:
    canary, _ = canaries
    reader = PdfReader(io.BytesIO(as_pdf(export)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert canary.full_name in " ".join(text.split())
    assert canary.values["events.booking"][2] in " ".join(text.split())


@pytest.mark.django_db
def test_another_persons_rows_never_appear(canaries: tuple[Canary, Canary], export: Export) -> None:
    _, other = canaries
    machine = as_json(export).lower()
    readable = as_html(export).lower()
    for value in other.all_values():
        assert value.lower() not in machine, value
        assert value.lower() not in readable, value


@pytest.mark.django_db
def test_secrets_and_digests_are_never_exported(
    canaries: tuple[Canary, Canary], export: Export
) -> None:
    canary, _ = canaries
    machine = as_json(export)
    held = 0
    for entry in register:
        hidden = sorted(entry.not_exported)
        if not hidden:
            continue
        for row in canary.person.rows_in(entry).values(*hidden):
            for name, value in row.items():
                if isinstance(value, str) and len(value) >= 8:
                    held += 1
                    assert value not in machine, f"{entry.label}.{name} is in the export."
        headings = {
            str(model_field.verbose_name)
            for model_field in entry.model._meta.concrete_fields
            if model_field.name in entry.not_exported
        }
        for section in export.sections:
            if section.model == entry.label:
                assert not headings & set(section.fields), entry.label
    # The password hash, the API token's hash and the booking's and invitation's digests.
    assert held >= 4


@pytest.mark.django_db
def test_a_request_to_the_organisation_exports_every_registered_model(
    world: World, canaries: tuple[Canary, Canary]
) -> None:
    canary, other = canaries
    request = request_naming(world, canary, kind=RequestKind.ACCESS)

    export = rights_request_export(actor=world.users[Role.DATA_PROTECTION_OFFICER], request=request)

    exported = {section.model for section in export.sections}
    missing = {entry.label for entry in register} - exported
    assert missing == set(), f"Not in the export made through a request: {sorted(missing)}"
    machine = as_json(export).lower()
    for label, values in canary.values.items():
        for value in values:
            assert value.lower() in machine, f"{value!r} of {label}"
    for value in other.all_values():
        assert value.lower() not in machine, value
