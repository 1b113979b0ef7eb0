"""The whole JSON API under generated bad input (SECURITY 15, "bad inputs tried").

Schemathesis reads the API's own OpenAPI document at /api/v1/openapi.json and, for every
operation, generates requests that fit it and requests that break it (wrong types, missing and
extra fields, values out of range, malformed ids and dates), sent to the application in this
process as two partner systems would: a partnership admin of "North" and one of "South", each
with a bearer token, at ids made up and at real records of North. No answer may be a server
error. Bounded by examples per operation; run once per CI run, in the SQLite pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.evaluation.support import activity_with_register, belonging_scale, open_survey
from tests.events.conftest import make_event
from tests.fuzz.conftest import FIXED_INPUTS, ServerErrors, counting_server_errors, scaled
from tests.reporting.conftest import fsm_rule_set
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.events.services import BookingDetails, booking_create
from widen.programmes.models import Programme
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 12
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
# Never a server error, and every answer as the schema documents it.
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_schema(world: World) -> Iterator[Any]:
    """The API's schema, read from the application itself; its requests are served in this
    process, inside the test's transaction (as Django's test client serves them)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def identities(world: World) -> dict[str, str]:
    """Two partner systems, each a partnership admin's token, of two partnerships."""
    south_admin = make_user("partnership_admin.gamma", world.gamma, Role.PARTNERSHIP_ADMIN)
    return {
        "North": world.tokens[Role.PARTNERSHIP_ADMIN],
        "South": api_token_create(user=south_admin, name="fuzz")[1],
    }


@pytest.fixture
def records(world: World) -> dict[str, str]:
    """Real records of North, by the name of the path parameter that reaches each: North's
    admin may act on them and South's may not, so requests reach past the look-up."""
    session = activity_with_register(world)
    event = make_event(world, capacity=None).event
    details = BookingDetails(
        name="Pat Parent", email="pat@example.org", attendee_type="parent_carer"
    )
    booking = booking_create(event=event, details=details).booking
    found = {
        "organisation_id": world.alpha.pk,
        "learner_id": world.learner_alpha.pk,
        "activity_id": session.activity_id,
        "session_id": session.pk,
        "programme_id": Programme.objects.create(partnership=world.north, name="LPP").pk,
        "rule_set_id": fsm_rule_set(world).pk,
        "survey_id": open_survey(world, session=session).pk,
        "scale_id": belonging_scale(world, publish=False).pk,
        "event_id": event.pk,
        "booking_id": booking.pk,
        "postcode": "E16AN",
    }
    return {name: str(value) for name, value in found.items()}


def _cases(operation: Any, records: dict[str, str]) -> st.SearchStrategy[Any]:
    """Requests that fit the operation's schema and requests that break it: at ids made up,
    and at real records where the path names them."""
    real = {
        name: records[name] for name in PATH_PARAMETER.findall(operation.path) if name in records
    }
    chosen = [{}, real] if real else [{}]
    return st.one_of(
        *(
            operation.as_strategy(mode, path_parameters=path_parameters or None)
            for path_parameters in chosen
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        )
    )


def test_no_request_to_the_api_is_a_server_error(
    api_schema: Any, identities: dict[str, str], records: dict[str, str], record_property: Any
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40  # the whole API: every router's operations

    with counting_server_errors(record_property) as errors:
        for operation in operations:
            _send_by_both(_cases(operation, records), identities, errors, record_property)


def _send_by_both(
    cases: st.SearchStrategy[Any],
    identities: dict[str, str],
    errors: ServerErrors,
    record_property: Any,
) -> None:
    """An operation's generated requests, each sent by both partner systems."""

    @settings(
        max_examples=scaled(EXAMPLES_PER_OPERATION),
        deadline=None,
        derandomize=FIXED_INPUTS,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def sent_by_both(case: Any) -> None:
        for token in identities.values():
            headers = {"Authorization": f"Bearer {token}"}
            response = errors.answer(lambda: case.call(headers=headers))  # noqa: B023
            record_property("bad_inputs_tried", 1)
            case.validate_response(response, checks=CHECKS)

    sent_by_both()
