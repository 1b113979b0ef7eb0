"""Malformed dates, times, moments, counts and pages never make the API fail.

The sweep walks the OpenAPI schema: every date, time, date-time, integer and number an operation
reads, in its query or its body, is sent values the database cannot keep or that mean nothing.
Each must be refused (422 or 400) naming the field, and nothing is written. A new operation or
field of these kinds must be added to the table below, or the completeness test fails.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import api_call
from tests.mentoring.coordinator_factories import (
    MENTORING_BODY_OPERATIONS,
    mentoring_programme_case,
)
from tests.mentoring.pairs_factories import PAIR_BODY_OPERATIONS, pair_input_case
from tests.partners.api_input_cases import partner_mitigation_case, partner_role_case
from tests.students.records import make_student
from tests.support.api_input_cases import (
    support_award_scheme_create_case,
    support_scheme_create_case,
)
from tests.support.benefit_input_cases import BENEFIT_OPERATIONS, benefit_input_case
from tests.support.casework_api_inputs import CASEWORK_BODY_OPERATIONS, casework_input_case
from tests.support.record_input_cases import RECORD_OPERATIONS, support_record_case
from widen.accounts.models import Role
from widen.activities.models import Activity, Session
from widen.config.api import api
from widen.events.models import Event
from widen.learners.models import Learner
from widen.programmes.models import ActivitySubType, Enrolment, Programme
from widen.students.models import Student
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

BAD_VALUES: dict[str, list[Any]] = {
    "time": ["10:00:00Z", "10:00:00+01:00", "10:00-05:30", "25:00", "10:61", "ten", "", 10**20],
    "date": ["0001-01-01", "9999-12-31", "1899-12-31", "2026-02-30", "31/12/2026", "", 10**20],
    "date-time": [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
        "2026-13-01T10:00:00",
        "now",
    ],
    "integer": [2**63, -(2**63) - 1, 10**30, -1, 1.5, "many"],
    "number": ["1e400", "NaN", "Infinity", "-Infinity", -1, 10**30, "lots"],
}

# Every operation that reads one of these kinds, with a valid body to spoil one field of.
BODY_OPERATIONS = {
    "learner_create",
    "learner_update",
    "session_create",
    "programme_create",
    "enrolment_leave",
    "event_create",
    "student_status_change",
    "partner_shift_create",
    "partner_shift_worked",
    "partner_timesheet_line_correct",
    "partner_plan_put",
    "partner_role_create",
    "partner_role_update",
    "partner_mitigation_add",
    "partner_mitigation_update",
    "support_scheme_create",
    *CASEWORK_BODY_OPERATIONS,
    "support_award_scheme_create",
}
BODY_OPERATIONS |= RECORD_OPERATIONS
BODY_OPERATIONS |= BENEFIT_OPERATIONS
BODY_OPERATIONS |= MENTORING_BODY_OPERATIONS
BODY_OPERATIONS |= PAIR_BODY_OPERATIONS
# Operations reading a number in their query besides a list's page (`limit`, `offset`).
QUERY_OPERATIONS = {"register_update"}
# Lists not yet answered as a page (`widen.core.api_pages.Page`): each leaves this set when its
# app moves it onto the page; none may join it.
NOT_YET_PAGED = {
    "checkin_list",
}


@functools.cache
def _schema() -> dict[str, Any]:
    """The API's OpenAPI document, made once: it does not change while the tests run."""
    return dict(api.get_openapi_schema())


def _components() -> dict[str, Any]:
    return dict(_schema()["components"]["schemas"])


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _components()[schema["$ref"].split("/")[-1]]
    return schema


def _kind(schema: dict[str, Any]) -> str | None:
    if schema.get("format") in ("date", "time", "date-time"):
        return str(schema["format"])
    if schema.get("type") in ("integer", "number"):
        return str(schema["type"])
    return None


def _fields(schema: dict[str, Any], path: tuple[str | int, ...]) -> Iterator[tuple[Any, str]]:
    """(path inside the body, kind) of every date, time, date-time and number."""
    schema = _resolve(schema)
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            yield from _fields(sub, path)
    for name, sub in schema.get("properties", {}).items():
        yield from _fields(sub, (*path, name))
    if schema.get("type") == "array" and "items" in schema:
        yield from _fields(schema["items"], (*path, 0))
    kind = _kind(schema)
    if kind:
        yield path, kind


def _operations() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            yield operation["operationId"], method, path, operation


def _body_fields() -> list[tuple[str, tuple[Any, ...], str]]:
    found = []
    for operation_id, _method, _path, operation in _operations():
        body = operation.get("requestBody")
        if body:
            schema = body["content"]["application/json"]["schema"]
            for path, kind in _fields(schema, ()):
                found.append((operation_id, path, kind))
    return found


def _query_fields() -> list[tuple[str, str, str]]:
    found = []
    for operation_id, _method, _path, operation in _operations():
        for parameter in operation.get("parameters", []):
            kind = _kind(_resolve(parameter["schema"]))
            if parameter["in"] == "query" and kind:
                found.append((operation_id, parameter["name"], kind))
    return found


def _ok(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation's answer when all goes well (keyed 200 or "200")."""
    responses = operation.get("responses", {})
    return dict(responses.get(200) or responses.get("200") or {})


def _paged_operations() -> set[str]:
    """Operations reading a list a page at a time (`{count, results}`; not a look-up posted
    in bulk, which answers all it was asked)."""
    paged = set()
    for operation_id, method, _path, operation in _operations():
        if method != "get":
            continue
        answer = _ok(operation).get("content", {})
        schema = answer.get("application/json", {}).get("schema")
        if schema and {"count", "results"} <= _resolve(schema).get("properties", {}).keys():
            paged.add(operation_id)
    return paged


def test_every_operation_reading_dates_times_or_numbers_is_swept() -> None:
    body_operations = {operation_id for operation_id, _, _ in _body_fields()}
    query_operations = {
        operation_id
        for operation_id, name, _ in _query_fields()
        if name not in {"limit", "offset"}
        or operation_id not in _paged_operations() | NOT_YET_PAGED
    }
    assert body_operations == BODY_OPERATIONS
    assert query_operations == QUERY_OPERATIONS


def test_every_list_the_api_gives_is_a_page_of_the_same_shape() -> None:
    """No operation answers a bare list; every page is `{count, results}` and reads `limit`
    (1 to 200) and `offset`."""
    bare_lists = []
    for operation_id, _method, _path, operation in _operations():
        answer = _ok(operation).get("content", {})
        schema = answer.get("application/json", {}).get("schema")
        if schema and _resolve(schema).get("type") == "array":
            bare_lists.append(operation_id)
    assert set(bare_lists) <= NOT_YET_PAGED
    paged = _paged_operations()
    assert {"learner_list", "organisation_list"} <= paged
    for operation_id, _method, _path, operation in _operations():
        if operation_id not in paged:
            continue
        page = _resolve(_ok(operation)["content"]["application/json"]["schema"])
        assert set(page["properties"]) == {"count", "results"}, operation_id
        parameters = {
            parameter["name"]: _resolve(parameter["schema"])
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        }
        assert parameters["limit"]["maximum"] == 200, operation_id
        assert parameters["limit"]["minimum"] == 1, operation_id
        assert parameters["offset"]["minimum"] == 0, operation_id


def test_every_integer_the_api_reads_has_bounds() -> None:
    """The database keeps 64-bit integers at most; an unbounded one is a 500 waiting to happen."""
    unbounded = []
    for operation_id, _method, _path, operation in _operations():
        for parameter in operation.get("parameters", []):
            schema = _resolve(parameter["schema"])
            if schema.get("type") == "integer" and not {"minimum", "maximum"} <= schema.keys():
                unbounded.append((operation_id, parameter["name"]))
    assert unbounded == []


# Valid bodies ---------------------------------------------------------------------------------


def _activity(world: World) -> Activity:
    return Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Maths masterclass",
        sub_type=ActivitySubType.objects.get(name="Subject masterclass", partnership=None),
    )


def _enrolled(world: World) -> Programme:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    enrolled = _send(
        world,
        Role.OUTREACH_OFFICER,
        "POST",
        f"/api/v1/programmes/{programme.pk}/enrolments",
        {"learner_ids": [str(world.learner_alpha.pk)]},
    )
    assert enrolled.status_code == 201, enrolled.content
    return programme


def _case(
    world: World, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """(method, path, valid body, role, a snapshot of what the call would change)."""
    soon = timezone.now() + timedelta(days=30)
    if operation_id == "learner_create":
        body = {
            "organisation_id": str(world.alpha.id),
            "first_name": "Kofi",
            "last_name": "Mensah",
            "date_of_birth": year_group_birthday(12).isoformat(),
        }
        return "POST", "/api/v1/learners", body, Role.OUTREACH_OFFICER, Learner.objects.count
    if operation_id == "learner_update":
        learner = world.learner_alpha
        return (
            "PATCH",
            f"/api/v1/learners/{learner.pk}",
            {"date_of_birth": year_group_birthday(11).isoformat()},
            Role.OUTREACH_OFFICER,
            lambda: Learner.objects.filter(pk=learner.pk).values().get(),
        )
    if operation_id == "session_create":
        activity = _activity(world)
        body = {
            "date": "2026-12-02",
            "starts_at": "13:00",
            "ends_at": "14:30",
            "contact_hours": "1.5",
            "year_groups": [9],
            "capacity": 30,
            "venue": "Hall",
        }
        path = f"/api/v1/activities/{activity.pk}/sessions"
        return "POST", path, body, Role.OUTREACH_OFFICER, Session.objects.count
    if operation_id == "programme_create":
        body = {
            "partnership_id": str(world.north.pk),
            "name": "Learner Progression Programme",
            "stages": [{"year_group": 9, "target_hours": "4", "required_types": []}],
            "sustained_hours": "12",
            "sustained_activities": 4,
            "sustained_years": 2,
        }
        return "POST", "/api/v1/programmes", body, Role.PARTNERSHIP_ADMIN, Programme.objects.count
    if operation_id == "enrolment_leave":
        programme = _enrolled(world)
        path = f"/api/v1/programmes/{programme.pk}/enrolments/{world.learner_alpha.pk}/leave"
        body = {"reason": "Moved school", "left_on": timezone.localdate().isoformat()}
        return (
            "POST",
            path,
            body,
            Role.OUTREACH_OFFICER,
            lambda: list(Enrolment.objects.values("left_on", "leaving_reason")),
        )
    if operation_id == "event_create":
        body = {
            "partnership_id": str(world.north.pk),
            "organiser_id": str(world.alpha.pk),
            "title": "Summer school taster",
            "kind": "campus",
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=2)).isoformat(),
            "venue": "Docklands campus",
            "year_groups": [10],
            "capacity": 40,
        }
        return "POST", "/api/v1/events", body, Role.OUTREACH_OFFICER, Event.objects.count
    if operation_id == "student_status_change":
        student = make_student(world.alpha, "INPUTS1", status_since=date(2025, 9, 22))
        body = {"status": "interrupted", "changed_on": timezone.localdate().isoformat()}
        return (
            "POST",
            f"/api/v1/students/{student.pk}/status",
            body,
            Role.OUTREACH_OFFICER,
            lambda: Student.objects.filter(pk=student.pk).values("status", "status_since").get(),
        )
    if operation_id in {"partner_shift_create", "partner_shift_worked"}:
        return _partner_shift_case(world, operation_id)
    if operation_id == "partner_timesheet_line_correct":
        return _partner_timesheet_case(world)
    if operation_id == "partner_plan_put":
        return _partner_plan_case(world)
    if operation_id in {"partner_role_create", "partner_role_update"}:
        return partner_role_case(world, operation_id)
    if operation_id in {"partner_mitigation_add", "partner_mitigation_update"}:
        return partner_mitigation_case(world, operation_id)
    if operation_id == "support_scheme_create":
        return support_scheme_create_case(world)
    if operation_id in CASEWORK_BODY_OPERATIONS:
        return casework_input_case(world, operation_id)
    if operation_id == "support_award_scheme_create":
        return support_award_scheme_create_case(world)
    if operation_id in RECORD_OPERATIONS:
        return support_record_case(world, operation_id)
    if operation_id in BENEFIT_OPERATIONS:
        return benefit_input_case(world, operation_id)
    if operation_id in MENTORING_BODY_OPERATIONS:
        return mentoring_programme_case(world, operation_id)
    if operation_id in PAIR_BODY_OPERATIONS:
        return pair_input_case(world, operation_id)
    raise AssertionError(f"No valid body for {operation_id}: add one.")


def _partner_shift_case(
    world: World, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A coordinator's new shift, or a booking on a shift that started, recorded as worked."""
    from tests.partners.factories import make_partner, make_role  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import Shift, ShiftAssignment  # noqa: PLC0415

    role = make_role(world.alpha, world.users[Role.OUTREACH_OFFICER])
    starts = timezone.now() + timedelta(days=14)
    if operation_id == "partner_shift_create":
        body = {
            "role_id": str(role.pk),
            "title": "Open day tour",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "places": 2,
        }
        return "POST", "/api/v1/partners/shifts", body, Role.OUTREACH_OFFICER, Shift.objects.count
    started = timezone.now() - timedelta(hours=3)
    partner = make_partner(world.alpha, "INPUTS-P1", roles=(role,))
    with request_context.bind(source="test"):
        shift = Shift.objects.create(
            organisation=world.alpha,
            role=role,
            title="Open day tour",
            starts_at=started,
            ends_at=started + timedelta(hours=2),
        )
        booking = ShiftAssignment.objects.create(shift=shift, partner=partner)
    return (
        "POST",
        f"/api/v1/partners/bookings/{booking.pk}/worked",
        {"minutes": 90},
        Role.OUTREACH_OFFICER,
        lambda: list(ShiftAssignment.objects.values("status", "worked_minutes")),
    )


def _partner_plan_case(
    world: World,
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A student replacing their own flexibility plan (with their own token)."""
    from tests.partners.factories import make_partner, partner_account  # noqa: PLC0415
    from widen.accounts.services import api_token_create  # noqa: PLC0415
    from widen.partners.models import FlexibilityPlan, PlanPattern  # noqa: PLC0415

    partner = make_partner(world.alpha, "INPUTS-PLAN1")
    world.tokens["partner"] = api_token_create(user=partner_account(partner), name="Phone")[1]
    body = {
        "windows": [{"weekday": 1, "starts_at": "09:00", "ends_at": "17:00"}],
        "max_weekly_hours": "12.5",
        "modes": ["online"],
        "what_helps": "No early starts on Mondays.",
    }
    return (
        "PUT",
        f"/api/v1/partners/plans/{partner.pk}",
        body,
        "partner",
        lambda: (
            list(FlexibilityPlan.objects.values("max_weekly_minutes", "modes")),
            list(PlanPattern.objects.values("weekday", "starts_at", "ends_at")),
        ),
    )


def _partner_timesheet_case(
    world: World,
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A student correcting a line of their own timesheet (with their own token)."""
    from tests.partners.factories import make_partner, partner_account  # noqa: PLC0415
    from widen.accounts.services import api_token_create  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import PayPeriod, Timesheet, TimesheetLine  # noqa: PLC0415

    partner = make_partner(world.alpha, "INPUTS-T1")
    world.tokens["partner"] = api_token_create(user=partner_account(partner), name="Phone")[1]
    with request_context.bind(source="test"):
        period = PayPeriod.objects.create(
            organisation=world.alpha,
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 30),
            pay_date=date(2026, 12, 18),
        )
        sheet = Timesheet.objects.create(partner=partner, pay_period=period)
        line = TimesheetLine.objects.create(
            timesheet=sheet,
            worked_on=date(2026, 11, 3),
            description="Campus tour",
            drafted_minutes=60,
            minutes=60,
            hourly_rate_pence=1400,
        )
    return (
        "POST",
        f"/api/v1/partners/timesheets/{sheet.pk}/lines/{line.pk}",
        {"minutes": 90, "note": "The tour ran late."},
        "partner",
        lambda: list(TimesheetLine.objects.values("minutes", "correction_note")),
    )


def _spoil(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    spoiled = json.loads(json.dumps(body))
    target = spoiled
    for step in path[:-1]:
        if isinstance(step, int):
            if not target:
                target.append({})
        elif step not in target:
            target[step] = [] if isinstance(path[path.index(step) + 1], int) else {}
        target = target[step]
    last = path[-1]
    if isinstance(last, int):
        if target:
            target[last] = value
        else:
            target.append(value)
    else:
        target[last] = value
    return spoiled


def _send(world: World, role: str, method: str, path: str, body: Any) -> Any:
    return api_call(world.tokens[role], method, path, body)


def _names(response: Any, field: str) -> bool:
    """The field's key (a 422 location) or its name in words (a 400 message)."""
    body = response.content.decode().lower()
    return field in body or field.replace("_", " ") in body


@pytest.mark.parametrize(
    ("operation_id", "field_path", "kind"),
    [pytest.param(*case, id=f"{case[0]}-{'.'.join(map(str, case[1]))}") for case in _body_fields()],
)
def test_a_malformed_value_is_refused_naming_the_field_and_changes_nothing(
    world: World, operation_id: str, field_path: tuple[Any, ...], kind: str
) -> None:
    method, path, body, role, snapshot = _case(world, operation_id)
    before = snapshot()
    field_name = next(step for step in reversed(field_path) if isinstance(step, str))
    for value in BAD_VALUES[kind]:
        response = _send(world, role, method, path, _spoil(body, field_path, value))
        assert response.status_code in (400, 422), (value, response.status_code, response.content)
        assert _names(response, field_name), (value, response.content)
        assert snapshot() == before, value
    # The valid body itself is accepted: the refusals above were for the spoilt field.
    accepted = _send(world, role, method, path, body)
    assert accepted.status_code in (200, 201), accepted.content


def test_a_session_time_with_a_time_zone_is_refused_with_a_clear_message(world: World) -> None:
    activity = _activity(world)
    response = _send(
        world,
        Role.OUTREACH_OFFICER,
        "POST",
        f"/api/v1/activities/{activity.pk}/sessions",
        {"date": "2026-12-02", "starts_at": "10:00:00Z", "ends_at": "11:00"},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "starts_at"
    assert "without a time zone" in error["msg"]
    assert not Session.objects.exists()


@pytest.mark.parametrize(("operation_id", "name", "kind"), _query_fields())
def test_a_malformed_page_or_number_in_a_query_is_refused_naming_it(
    world: World, operation_id: str, name: str, kind: str
) -> None:
    path = next(p for op, _m, p, _o in _operations() if op == operation_id)
    # A path parameter (say, an event's id) is given as an id that matches nothing: the query's
    # malformed number is refused before anything is looked up.
    path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    for value in [*BAD_VALUES[kind], "9223372036854775808", "-9223372036854775809"]:
        response = Client().get(
            path,
            {name: value},
            headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
        )
        assert response.status_code == 422, (value, response.status_code)
        assert response.json()["detail"][0]["loc"][-1] == name


def test_the_largest_offset_allowed_gives_an_empty_page(world: World) -> None:
    response = Client().get(
        "/api/v1/learners",
        {"offset": 1_000_000, "limit": 200},
        headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_any_text_as_a_session_time_is_kept_or_refused_never_a_failure(
    world: World, text: str
) -> None:
    activity = Activity.objects.first() or _activity(world)
    response = _send(
        world,
        Role.OUTREACH_OFFICER,
        "POST",
        f"/api/v1/activities/{activity.pk}/sessions",
        {"date": "2026-12-02", "starts_at": text, "ends_at": "23:59"},
    )
    assert response.status_code in (201, 400, 422), (text, response.content)
