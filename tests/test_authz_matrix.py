"""The authorisation matrix: every URL × method × role × relation (SECURITY 3, 4, 5, 9, 10).

Each cell makes a real request as a real signed-in (or anonymous) person against a small world
(`widen.testing.world`) and checks the status, that a denied write changed nothing, that an
allowed write did change something, and that the response carries the security headers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.evaluation.report_matrix import (
    REPORT_OBJECT_RULES,
    report_expected_status,
    report_kwargs,
    report_request_body,
)
from tests.evaluation.survey_matrix import (
    SURVEY_OBJECT_RULES,
    survey_expected_status,
    survey_kwargs,
    survey_request_body,
)
from tests.events.matrix import (
    EVENTS_OBJECT_RULES,
    event_kwargs,
    event_request_body,
    events_expected_status,
)
from tests.payments.matrix import (
    PAYMENTS_OBJECT_RULES,
    payments_expected_status,
    payments_kwargs,
    payments_request_body,
)
from widen.accounts.models import ROLE_CAPABILITIES, Role
from widen.accounts.services import api_token_create
from widen.activities.models import Activity, RegisterImport, Session
from widen.events.checkin import checkin_code
from widen.events.models import AttendeeType, Booking, Event, EventKind
from widen.events.services import BookingDetails, booking_create
from widen.learners.models import (
    FILTERABLE_CHARACTERISTICS,
    ConsentRecord,
    DuplicateCandidate,
    ImportRun,
    Learner,
    ParentCarer,
    SavedSearch,
)
from widen.notifications.models import Category, Notification
from widen.notifications.stop_links import stop_token
from widen.organisations.models import DataCategory
from widen.programmes.models import ActivitySubType, Enrolment, Programme, ProgrammeStage
from widen.targeting.models import RuleSet, RuleSetVersion
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells
from widen.testing.world import World, year_group_birthday

MATRIX = yaml.safe_load((Path(__file__).parent / "authz_matrix.yaml").read_text())
ROLES = [*Role.values, "anonymous"]
EDITORS = {
    Role.PARTNERSHIP_ADMIN,
    Role.ORGANISATION_ADMIN,
    Role.OUTREACH_OFFICER,
    Role.SCHOOL_STAFF,
}
AUDITORS = {Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN}
OBJECT_RULES = {
    "organisation",
    "partnership",
    "learner_view",
    "learner_edit",
    "learner_audit",
    "import_run",
    "rule_set_view",
    "rule_set_manage",
    "partnership_manage",
    "activity_plan",
    "activity_view",
    "activity_deliver",
    "register",
    "register_import",
    "saved_search",
    "api_token",
    "notification",
    "programme_view",
    "programme_enrol",
    "enrolment_change",
    "enrolment_leave",
    "duplicate_pair",
    "event_checkin",
    "event_checkin_booking",
    "event_checkin_scan",
}
# Anyone, signed in or not, reaches these objects (a public event, a partnership's feed) or
# these pages of a booking by its one-time link.
PUBLIC_OBJECT_RULES = {"event_public", "booking_holder", "partnership_feed", "notification_stop"}
OBJECT_RULES |= EVENTS_OBJECT_RULES  # the events pages (tests/events/matrix.py)
OBJECT_RULES |= SURVEY_OBJECT_RULES  # surveys and scales (tests/evaluation/survey_matrix.py)
OBJECT_RULES |= REPORT_OBJECT_RULES  # evaluation reports (tests/evaluation/report_matrix.py)
OBJECT_RULES |= PAYMENTS_OBJECT_RULES  # payees, payments and runs (tests/payments/matrix.py)
# Who plans activities and takes registers for their organisation.
DELIVERERS = {Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER}
RELATIONS = ("own", "partner", "unrelated")


def _letters(number: int) -> str:
    """A number written in letters (names may hold no digits): 0 → "a", 27 → "bb"."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if number == 0:
            return letters


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, joined)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, None)
    return names


def classified(name: str) -> bool:
    return name in MATRIX or (name.startswith("admin:") and "admin:*" in MATRIX)


def test_every_url_is_classified() -> None:
    unclassified = sorted(name for name in all_url_names() if not classified(name))
    assert not unclassified, f"URLs missing from tests/authz_matrix.yaml: {unclassified}"
    stale = sorted(name for name in MATRIX if name != "admin:*" and name not in all_url_names())
    assert not stale, f"tests/authz_matrix.yaml lists URLs that no longer exist: {stale}"


@dataclass
class Cell:
    name: str
    method: str
    role: str
    relation: str


def expected_status(entry: dict[str, Any], cell: Cell) -> int:
    rule = entry["rule"]
    allowed_status = entry.get("allowed", 200)
    api = cell.name.startswith("api:")
    survey_status = survey_expected_status(entry, cell.name, cell.method, cell.role, cell.relation)
    if survey_status is not None:
        return survey_status
    events_status = events_expected_status(entry, cell.name, cell.method, cell.role, cell.relation)
    if events_status is not None:
        return events_status
    report_status = report_expected_status(entry, cell.method, cell.role, cell.relation, api=api)
    payments_status = payments_expected_status(
        entry, cell.name, cell.method, cell.role, cell.relation
    )
    if payments_status is not None:
        return payments_status
    if report_status is not None:
        return report_status
    if cell.method == "POST" and not api and rule in {"event_checkin_scan", "booking_holder"}:
        allowed_status = 302  # checking in from a QR code, or saving an agenda, leads back
    if rule == "public" or rule in PUBLIC_OBJECT_RULES:
        return allowed_status
    if rule == "sign_in":
        return allowed_status if cell.role == "anonymous" else 302
    if cell.role == "anonymous":
        return 401 if api else 302
    if rule == "admin":
        return 302  # no role here is staff: sent to the admin sign-in
    if rule == "mfa_step":
        return 302  # already verified: sent on
    if cell.method == "POST" and not api and rule in {"learner_edit", "learner_create"}:
        allowed_status = 302  # a valid form redirects to the learner
    if cell.method == "POST" and rule in {"import_upload", "import_run"}:
        allowed_status = 302  # an upload, a commit or a roll back leads to the import's page
    if (
        cell.method == "POST"
        and not api
        and rule
        in {
            "activity_plan",
            "activity_deliver",
            "register",
            "register_import",
            "saved_search",
            "programme_enrol",
            "notification_choices",
        }
    ):
        allowed_status = 302  # a saved activity, session or register leads to its page
    allowed = {
        "signed_in": True,
        "organisation": cell.relation in {"own", "partner"},
        "partnership": cell.relation in {"own", "partner"},
        "learner_view": cell.relation in {"own", "partner"},
        "learner_edit": cell.relation == "own" and cell.role in EDITORS,
        "learner_audit": cell.relation == "own" and cell.role in AUDITORS,
        "learner_create": cell.role in EDITORS,
        "import_upload": cell.role in EDITORS,
        # An import run is seen by the person who uploaded it (and their organisation's admins).
        "import_run": cell.relation == "own" and cell.role in EDITORS,
        "rule_set_view": cell.relation in {"own", "partner"},
        "rule_set_manage": cell.relation in {"own", "partner"}
        and cell.role == Role.PARTNERSHIP_ADMIN,
        "partnership_manage": cell.relation in {"own", "partner"}
        and cell.role == Role.PARTNERSHIP_ADMIN,
        "partnership_admin": cell.role == Role.PARTNERSHIP_ADMIN,
        "activity_plan": cell.relation in {"own", "partner"} and cell.role in DELIVERERS,
        "activity_view": cell.relation in {"own", "partner"},
        # own: an activity the person's organisation delivers; partner: another member's.
        "activity_deliver": cell.relation == "own" and cell.role in DELIVERERS,
        # own: a session of the person's organisation at the school; partner: another member's
        # session for no school.
        "register": cell.relation == "own" and cell.role in {*DELIVERERS, Role.SCHOOL_STAFF},
        # own: the person's own upload for the own session; otherwise another person's upload.
        "register_import": cell.relation == "own" and cell.role in {*DELIVERERS, Role.SCHOOL_STAFF},
        # own: a saved search of the person's; otherwise a colleague's or a stranger's.
        "saved_search": cell.relation == "own",
        "api_token": cell.relation == "own",
        "notification": cell.relation == "own",
        "notification_choices": True,
        "programme_view": cell.relation in {"own", "partner"},
        "programme_enrol": cell.relation in {"own", "partner"} and cell.role in DELIVERERS,
        # own: a learner the person's organisation holds; partner: another member's learner,
        # seen under an agreement, which only its own organisation enrols and takes off.
        "enrolment_change": cell.relation == "own" and cell.role in DELIVERERS,
        "enrolment_leave": cell.relation == "own" and cell.role in DELIVERERS,
        "deliverer": cell.role in DELIVERERS,
        "duplicate_review": cell.role in AUDITORS,
        # own: both records held by the person's organisation; partner: one is another member's.
        "duplicate_pair": cell.relation == "own" and cell.role in AUDITORS,
        # own: an event the person's organisation organises; partner: another member's event.
        "event_checkin": cell.relation == "own" and cell.role in DELIVERERS,
        "event_checkin_booking": cell.relation == "own" and cell.role in DELIVERERS,
        "event_checkin_scan": cell.relation == "own" and cell.role in DELIVERERS,
    }[rule]
    if not allowed and rule == "enrolment_change" and _enrols_partners_learner(cell):
        # The programme is theirs to enrol in: a partner's learner answers like a missing one.
        return 422 if api else 302
    return allowed_status if allowed else 404


def _enrols_partners_learner(cell: Cell) -> bool:
    return cell.relation == "partner" and cell.role in DELIVERERS


def enrolment_learner(world: World, relation: str) -> Learner:
    """The learner an enrolment cell changes: one the person's organisation holds (own, and on
    a stranger partnership's programme), or a partner's seen under the agreement."""
    return world.learner_beta if relation == "partner" else world.learner_alpha


def import_run_for(world: World, role: str, relation: str) -> ImportRun:
    """A checked pupil list: the role's own upload (or a colleague's), a partner's, a stranger's."""
    runs: dict[tuple[str, str], ImportRun] = world.__dict__.setdefault("import_runs", {})
    key = (role, relation)
    if key not in runs:
        organisation = {
            "own": world.organisation_of(role),
            "partner": world.beta,
            "unrelated": world.gamma,
        }[relation]
        uploader = world.users[role if role in EDITORS else Role.OUTREACH_OFFICER]
        content = csv_bytes(table_cells(pupil_rows(3, seed=7), MIS_HEADINGS["Widen template"]))
        runs[key] = ImportRun.objects.create(
            organisation=organisation,
            school=world.school,
            uploaded_by=uploader if relation == "own" else None,
            file_name="pupils.csv",
            file_format="csv",
            file_sha256=hashlib.sha256(content).hexdigest(),
            file_size=len(content),
            file_content=content,
            rows_total=3,
            column_mapping={},
        )
    return runs[key]


def duplicate_pair_for(world: World, role: str, relation: str) -> DuplicateCandidate:
    """Two records that may be one learner: both the role's organisation's (own), one of them a
    partner's (partner), or both a stranger partnership's (unrelated)."""
    pairs: dict[tuple[str, str], DuplicateCandidate] = world.__dict__.setdefault("pairs", {})
    if (role, relation) not in pairs:
        own = world.organisation_of(role)
        holders = {
            "own": (own, own),
            "partner": (own, world.beta),
            "unrelated": (world.gamma, world.gamma),
        }[relation]
        twins = [
            Learner.objects.create(
                organisation=holder,
                school=world.school,
                first_name="Matrix",
                last_name=f"Pair {role} {relation}",
                date_of_birth=year_group_birthday(10),
            )
            for holder in holders
        ]
        one, two = sorted(twins, key=lambda learner: str(learner.pk))
        pairs[(role, relation)] = DuplicateCandidate.objects.create(
            partnership=world.south if relation == "unrelated" else world.north,
            learner_one=one,
            learner_two=two,
            learner_one_key=one.pk,
            learner_two_key=two.pk,
            match_probability=0.97,
            reasons={"first_name": "same", "last_name": "same"},
        )
    return pairs[(role, relation)]


def target_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    acting_role = Role.OUTREACH_OFFICER if role == "anonymous" else role
    surveys_kwargs = survey_kwargs(world, rule, acting_role, relation)
    if surveys_kwargs is not None:
        return surveys_kwargs
    events_kwargs = event_kwargs(world, rule, acting_role, relation)
    if events_kwargs is not None:
        return events_kwargs
    evaluation_kwargs = report_kwargs(world, rule, relation)
    if evaluation_kwargs is not None:
        return evaluation_kwargs
    payment_kwargs = payments_kwargs(world, rule, acting_role, relation)
    if payment_kwargs is not None:
        return payment_kwargs
    if rule == "duplicate_pair":
        return {"pair_id": duplicate_pair_for(world, acting_role, relation).id}
    if rule in {"event_checkin", "event_checkin_booking", "event_checkin_scan"}:
        return checkin_kwargs(world, rule, relation)
    if rule in {"event_public", "booking_holder", "partnership_feed"}:
        return public_event_kwargs(world, rule)
    if rule == "import_run":
        return {"run_id": import_run_for(world, acting_role, relation).id}
    if rule in {"learner_view", "learner_edit", "learner_audit"}:
        return {"learner_id": world.learner(role=acting_role, relation=relation).id}
    if rule == "organisation":
        organisation = {
            "own": world.organisation_of(acting_role),
            "partner": world.beta,
            "unrelated": world.gamma,
        }[relation]
        return {"organisation_id": organisation.id}
    if rule in {"partnership", "partnership_manage"}:
        return {"partnership_id": world.north.id if relation != "unrelated" else world.south.id}
    if rule in {"rule_set_view", "rule_set_manage"}:
        return {"rule_set_id": rule_set_for(world, relation).id}
    if rule == "activity_plan":
        return {"partnership_id": world.north.id if relation != "unrelated" else world.south.id}
    if rule in {"activity_view", "activity_deliver"}:
        return {"activity_id": activity_for(world, relation).id}
    if rule == "register":
        return {"session_id": session_for(world, relation).id}
    if rule == "register_import":
        return {"import_id": register_import_for(world, acting_role, relation).id}
    if rule == "saved_search":
        owner = world.users[acting_role if relation == "own" else "staff"]
        search = SavedSearch.objects.create(
            owner=owner, name=f"Matrix search {SavedSearch.objects.count()}", filters={"q": "a"}
        )
        return {"search_id": search.id}
    if rule == "api_token":
        owner = world.users[acting_role if relation == "own" else "staff"]
        token, _ = api_token_create(user=owner, name="Matrix token")
        return {"token_id": token.id}
    if rule == "notification":
        owner = world.users[acting_role if relation == "own" else "staff"]
        notification = Notification.objects.create(
            user=owner, category=Category.UPDATES, template="matrix/note", subject="Matrix note"
        )
        return {"notification_id": notification.id}
    if rule == "notification_stop":
        return {"token": stop_token(email="matrix@example.org", category=Category.REMINDERS)}
    if rule in {"programme_view", "programme_enrol"}:
        return {"programme_id": programme_for(world, relation).id}
    if rule == "enrolment_leave":
        programme = programme_for(world, relation)
        learner = enrolment_learner(world, relation)
        Enrolment.objects.get_or_create(
            programme=programme,
            learner=learner,
            left_on=None,
            defaults={"organisation": learner.organisation, "joined_on": date(2025, 9, 1)},
        )
        return {"programme_id": programme.id, "learner_id": learner.id}
    if rule == "enrolment_change":
        programme = programme_for(world, relation)
        # Not on the programme now, so an allowed request enrols (or re-joins) them.
        Enrolment.objects.filter(
            programme=programme, learner=enrolment_learner(world, relation), left_on=None
        ).update(left_on=date(2025, 10, 1), leaving_reason="Matrix")
        return {"programme_id": programme.id}
    return {}


def checkin_event_for(world: World, relation: str) -> tuple[Event, Booking, str]:
    """A CPD event organised by the person's organisation (own), by another member (partner) or
    by a stranger partnership's member (unrelated), with one checked-in booking and its link."""
    events: dict[str, tuple[Event, Booking, str]] = world.__dict__.setdefault("events", {})
    if relation not in events:
        partnership, organiser = {
            "own": (world.north, world.alpha),
            "partner": (world.north, world.beta),
            "unrelated": (world.south, world.gamma),
        }[relation]
        starts = timezone.now() + timedelta(days=3)
        event = Event.objects.create(
            partnership=partnership,
            organiser=organiser,
            title=f"Matrix CPD event ({relation})",
            kind=EventKind.CPD,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue="Lecture theatre",
        )
        made = booking_create(
            event=event,
            details=BookingDetails(
                name="Tess Teacher", email="tess@example.org", attendee_type=AttendeeType.TEACHER
            ),
        )
        Booking.objects.filter(pk=made.booking.pk).update(checked_in_at=timezone.now())
        events[relation] = (event, Booking.objects.get(pk=made.booking.pk), made.token)
    return events[relation]


def checkin_kwargs(world: World, rule: str, relation: str) -> dict[str, Any]:
    event, booking, _token = checkin_event_for(world, relation)
    if rule == "event_checkin_booking":
        return {"event_id": event.id, "booking_id": booking.id}
    if rule == "event_checkin_scan":
        return {"event_id": event.id, "code": checkin_code(booking)}
    return {"event_id": event.id}


def public_event_kwargs(world: World, rule: str) -> dict[str, Any]:
    event, _booking, token = checkin_event_for(world, "own")
    if rule == "booking_holder":
        return {"token": token}
    if rule == "partnership_feed":
        return {"partnership_id": world.north.id}
    return {"event_id": event.id}


def programme_for(world: World, relation: str) -> Programme:
    """A programme of one of the person's partnerships (own, partner) or of a stranger's."""
    partnership = world.south if relation == "unrelated" else world.north
    programme, created = Programme.objects.get_or_create(
        partnership=partnership,
        name="Matrix programme",
        defaults={"rule_set": rule_set_for(world, relation)},
    )
    if created:
        ProgrammeStage.objects.create(programme=programme, year_group=10, target_hours=6)
    return programme


def activity_for(world: World, relation: str) -> Activity:
    """An activity the person's organisation delivers (own), another member's (partner), or a
    stranger partnership's (unrelated)."""
    partnership, deliverer = {
        "own": (world.north, world.alpha),
        "partner": (world.north, world.beta),
        "unrelated": (world.south, world.gamma),
    }[relation]
    activity, _ = Activity.objects.get_or_create(
        partnership=partnership,
        delivered_by=deliverer,
        name="Matrix activity",
        defaults={"sub_type": ActivitySubType.objects.filter(partnership=None).first()},
    )
    return activity


def register_import_for(world: World, role: str, relation: str) -> RegisterImport:
    """A register upload: the role's own for the own session, or someone else's for a partner's
    or a stranger's session."""
    uploads: dict[tuple[str, str], RegisterImport] = world.__dict__.setdefault(
        "register_imports", {}
    )
    if (role, relation) not in uploads:
        content = b"UPN,Attended\r\nA801200000013,Y\r\n"
        uploads[(role, relation)] = RegisterImport.objects.create(
            session=session_for(world, relation),
            uploaded_by=world.users[role if relation == "own" else "staff"],
            file_name="register.csv",
            file_format="csv",
            file_sha256=hashlib.sha256(content).hexdigest(),
            file_size=len(content),
            file_content=content,
        )
    return uploads[(role, relation)]


def session_for(world: World, relation: str) -> Session:
    """own: a session of the own organisation's activity for the school; otherwise a session
    for no school of the partner's or the stranger's activity."""
    activity = activity_for(world, relation)
    session, _ = Session.objects.get_or_create(
        activity=activity,
        defaults={
            "date": date(2026, 12, 1),
            "starts_at": time(10, 0),
            "ends_at": time(11, 0),
            "contact_hours": Decimal(1),
            "venue": "Hall",
            "school": world.school if relation == "own" else None,
        },
    )
    return session


def rule_set_for(world: World, relation: str) -> RuleSet:
    """A rule set of the person's own partnership (own, partner) or of a stranger's."""
    partnership = world.south if relation == "unrelated" else world.north
    rule_set, created = RuleSet.objects.get_or_create(
        partnership=partnership, name="Matrix rule set"
    )
    if created:
        RuleSetVersion.objects.create(
            rule_set=rule_set,
            number=1,
            definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
            description="FSM",
        )
    return rule_set


def url_for(name: str, kwargs: dict[str, Any]) -> str:
    kwargs = {**MATRIX.get(name, {}).get("kwargs", {}), **kwargs}
    if name.startswith("api:") and kwargs:
        return reverse(name, kwargs={key: str(value) for key, value in kwargs.items()})
    return reverse(name, kwargs=kwargs)


def request_body(
    world: World, name: str, role: str, counter: int, relation: str = "-"
) -> dict[str, Any]:
    organisation = world.organisation_of(Role.OUTREACH_OFFICER if role == "anonymous" else role)
    birthday = year_group_birthday(11).isoformat()
    surveys_body = survey_request_body(world, name, counter)
    if surveys_body is not None:
        return surveys_body
    events_body = event_request_body(world, name, counter)
    if events_body is not None:
        return events_body
    report_body = report_request_body(name, counter)
    if report_body is not None:
        return report_body
    payment_body = payments_request_body(world, name)
    if payment_body is not None:
        return payment_body
    if name == "learners:create":
        return {
            "organisation": str(organisation.id),
            "first_name": "Nia",
            "last_name": f"Newcomer{_letters(counter)}",
            "date_of_birth": birthday,
        }
    if name == "api:learner_create_api":
        return {
            "organisation_id": str(organisation.id),
            "first_name": "Nia",
            "last_name": f"Newcomer{_letters(counter)}",
            "date_of_birth": birthday,
        }
    if name == "learners:edit":
        return {
            "first_name": "Edited",
            "last_name": f"Person{_letters(counter)}",
            "date_of_birth": birthday,
            "school": str(world.school.id),
        }
    if name == "api:notification_update_api":
        return {"read": True}
    if name == "api:learner_update_api":
        return {"preferred_name": f"Edited{_letters(counter)}"}
    if name == "learners:parent_carer_add":
        return {"name": f"Pat Parent{counter}", "relationship": "mother"}
    if name == "learners:consent_add":
        return {
            "lawful_basis": "public_task",
            "given_by": "not_applicable",
            "recorded_on": "2025-09-01",
            "privacy_notice_version": f"v{counter}",
        }
    if name == "learners:import_start":
        content = csv_bytes(table_cells(pupil_rows(3, seed=counter), MIS_HEADINGS["SIMS"]))
        return {
            "organisation": str(organisation.id),
            "pupil_list": SimpleUploadedFile("pupils.csv", content, content_type="text/csv"),
        }
    if name == "api:rule_set_create_api":
        return {
            "partnership_id": str(world.north.id),
            "name": f"Matrix rule set {counter}",
            "definition": {"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        }
    if name == "api:rule_set_version_create_api":
        return {"definition": {"any": [{"all": [{"criterion": "young_carer"}]}]}}
    if name == "activities:create":
        return {
            "delivered_by": str(world.alpha.id),
            "name": f"Matrix masterclass {counter}",
            "sub_type": str(ActivitySubType.objects.filter(partnership=None).first().pk),  # type: ignore[union-attr]
        }
    if name == "activities:session_create":
        return {
            "date": "2026-12-02",
            "starts_at": "13:00",
            "ends_at": "14:30",
            "venue": f"Room {counter}",
        }
    if name == "api:activity_create_api":
        return {
            "partnership_id": str(world.north.id),
            "delivered_by_id": str(world.alpha.id),
            "name": f"Matrix API activity {counter}",
            "sub_type_id": str(ActivitySubType.objects.filter(partnership=None).first().pk),  # type: ignore[union-attr]
        }
    if name == "api:session_create_api":
        return {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "14:00", "venue": "Hall"}
    if name == "api:register_update_api":
        return {"add": [str(world.learner_school.id)]}
    if name == "api:programme_create_api":
        return {
            "partnership_id": str(world.north.id),
            "name": f"Matrix API programme {counter}",
            "stages": [{"year_group": 10, "target_hours": "6", "required_types": ["iag"]}],
        }
    if name == "api:enrolment_leave_api":
        return {"reason": f"Moved school {counter}"}
    if name == "api:enrolment_create_api":
        return {"learner_ids": [str(enrolment_learner(world, relation).id)]}
    if name == "programmes:enrolment_change":
        return {"action": "enrol", "learner": str(enrolment_learner(world, relation).id)}
    if name == "activities:register":
        return {"action": "add", "learner": str(world.learner_school.id)}
    if name == "activities:register_import":
        content = f"UPN,Attended\r\n{world.learner_school.upn or 'A801200000013'},Y\r\n"
        return {"register": SimpleUploadedFile("register.csv", content.encode())}
    if name == "api:postcode_lookup_api":
        return {"postcodes": ["E1 6AN", "not a postcode"]}
    if name == "accounts:login":
        return {"username": "nobody", "password": "wrong-password-here"}
    if name.startswith("accounts:mfa"):
        return {"otp_token": "000000"}
    return {}


def learner_data_checksum() -> str:
    rows = [
        *Learner.objects.order_by("id"),
        *ParentCarer.objects.order_by("id"),
        *ConsentRecord.objects.order_by("id"),
    ]
    return hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()


def enrolment_checksum() -> str:
    rows = list(Enrolment.objects.order_by("id"))
    return hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()


def client_for_role(world: World, role: str, cache: dict[str, Client]) -> Client:
    if role not in cache:
        cache[role] = Client() if role == "anonymous" else signed_in_client(world.users[role])
    return cache[role]


def send(client: Client, world: World, cell: Cell, url: str, body: dict[str, Any]) -> Any:
    headers: dict[str, str] = {}
    api = cell.name.startswith("api:")
    if api and cell.role != "anonymous":
        headers["Authorization"] = f"Bearer {world.tokens[cell.role]}"
    if api:
        client = Client()  # the API authenticates by token alone, never by session
        if cell.method == "GET":
            return client.get(url, headers=headers)
        return client.generic(
            cell.method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    if cell.method == "GET":
        return client.get(url)
    if cell.method == "POST":
        return client.post(url, body)
    return client.generic(cell.method, url)


def assert_security_headers(response: Any, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, f"{where}: CSP lacks {directive}"
    assert "unsafe-inline" not in csp, f"{where}: CSP allows unsafe-inline"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert response.headers.get("Cache-Control") == "no-store", where


def matrix_cells(name: str) -> list[Cell]:
    entry = MATRIX[name]
    relations = RELATIONS if entry["rule"] in OBJECT_RULES else ("-",)
    return [
        Cell(name, method, role, relation)
        for method in entry["methods"]
        for role in ROLES
        for relation in relations
    ]


CONCRETE_NAMES = sorted(name for name in MATRIX if name != "admin:*")


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONCRETE_NAMES)
def test_authorisation_cells(world: World, name: str, record_property: Any) -> None:
    entry = MATRIX[name]
    checked = 0
    clients: dict[str, Client] = {}
    failures: list[str] = []
    for counter, cell in enumerate(matrix_cells(name)):
        kwargs = target_kwargs(world, entry["rule"], cell.role, cell.relation)
        url = url_for(name, kwargs)
        writes = cell.method in {"POST", "PATCH"} and entry["rule"].startswith("learner_")
        before = learner_data_checksum() if writes else ""
        enrols = entry["rule"] in {"enrolment_change", "enrolment_leave"}
        enrolments_before = enrolment_checksum() if enrols else ""
        client = client_for_role(world, cell.role, clients)
        body = request_body(world, name, cell.role, counter, cell.relation)
        response = send(client, world, cell, url, body)
        expected = expected_status(entry, cell)
        where = f"{cell.method} {name} as {cell.role} ({cell.relation})"
        checked += 1
        if response.status_code != expected:
            failures.append(f"{where}: expected {expected}, got {response.status_code}")
            continue
        assert_security_headers(response, where)
        if writes:
            changed = learner_data_checksum() != before
            should_change = cell.role != "anonymous" and expected in {200, 201, 302}
            if changed != should_change:
                failures.append(f"{where}: data {'changed' if changed else 'unchanged'}")
        if enrols:
            # Only the organisation holding the learner changes their enrolments.
            changed = enrolment_checksum() != enrolments_before
            should_change = cell.relation == "own" and cell.role in DELIVERERS
            if changed != should_change:
                failures.append(f"{where}: enrolments {'changed' if changed else 'unchanged'}")
        if expected == 404 and entry["rule"].startswith("learner_"):
            foreign = world.learner(role=Role.OUTREACH_OFFICER, relation="unrelated")
            assert foreign.last_name not in response.content.decode(), where
    record_property("authorisation_cells", checked)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONCRETE_NAMES)
def test_unlisted_methods_are_refused(world: World, name: str, record_property: Any) -> None:
    entry = MATRIX[name]
    path_methods = {
        method
        for other, other_entry in MATRIX.items()
        if other != "admin:*"
        and url_for(other, target_kwargs(world, other_entry["rule"], "outreach_officer", "own"))
        == url_for(name, target_kwargs(world, entry["rule"], "outreach_officer", "own"))
        for method in other_entry["methods"]
    }
    refused = [
        method for method in ("PUT", "DELETE", "PATCH", "POST") if method not in path_methods
    ]
    url = url_for(name, target_kwargs(world, entry["rule"], "outreach_officer", "own"))
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    if entry["rule"] == "public":
        return  # public read-only documents (health, API schema) answer any method alike
    # A page that sends a signed-in person elsewhere does so whatever the method.
    redirects = entry.get("allowed") == 302 or entry["rule"] == "sign_in"
    refusals = {403, 405} | ({302} if redirects else set())
    for method in refused[:2]:
        cell = Cell(name, method, Role.OUTREACH_OFFICER, "own")
        before = learner_data_checksum()
        response = send(client, world, cell, url, {})
        record_property("authorisation_cells", 1)
        assert response.status_code in refusals, f"{method} {name}: {response.status_code}"
        assert learner_data_checksum() == before


@pytest.mark.django_db
def test_admin_urls_need_staff_with_mfa(world: World, record_property: Any) -> None:
    names = sorted(
        name
        for name in all_url_names()
        if name.startswith("admin:") and name.endswith(("_changelist", "_add", ":index"))
    )
    assert names
    for role in ROLES:
        client = Client() if role == "anonymous" else signed_in_client(world.users[role])
        for name in names:
            response = client.get(reverse(name))
            record_property("authorisation_cells", 1)
            assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
            assert "/admin/login/" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_password_only_session_reaches_nothing_but_mfa(world: World) -> None:
    """SECURITY 5: a session that has passed only the password step is sent to MFA everywhere."""
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER], verified=False)
    exempt_rules = {"public", "mfa_step", "sign_in"}
    checked = 0
    for name in CONCRETE_NAMES:
        entry = MATRIX[name]
        if entry["rule"] in exempt_rules or name.startswith("api:") or name == "accounts:logout":
            continue
        url = url_for(name, target_kwargs(world, entry["rule"], Role.OUTREACH_OFFICER, "own"))
        response = client.get(url)
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:mfa_verify")), name
        checked += 1
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert checked >= 10


# Filters by role and relation (issue 14, 1.1): a filter on a learner's field finds a learner only
# when the person sees that field of them (own: the role's categories; partner: the role's and
# the agreement's); "unrelated" learners are never found. Field by field, with the agreement
# sharing special category data and without it.
FILTER_PARAMS: dict[str, tuple[dict[str, str], set[str]]] = {
    **{
        name: ({"characteristic": name}, {category})
        for name, category in FILTERABLE_CHARACTERISTICS.items()
    },
    "search": ({"q": "a"}, {DataCategory.IDENTITY}),
    "search and care experienced": (
        {"q": "a", "characteristic": "care_experienced"},
        {DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY},
    ),
    "year group": ({"year_group": "10"}, set()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("special_shared", [True, False])
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_learner_filters_by_role_and_relation(
    world: World, role: str, special_shared: bool, record_property: Any
) -> None:
    world.agreement.shares_special_category = special_shared
    world.agreement.save()
    for learner in Learner.objects.all():
        for name in FILTERABLE_CHARACTERISTICS:
            setattr(learner, name, True)
        learner.save()
    role_categories = set(ROLE_CAPABILITIES[role].categories)
    sees = {
        "own": role_categories,
        "partner": role_categories & set(world.agreement.categories),
        "unrelated": set(),
    }
    client = signed_in_client(world.users[role])
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    for field, (params, needed) in FILTER_PARAMS.items():
        page = client.get("/learners/", params).content.decode()
        api = Client().get("/api/v1/learners", {**params, "limit": "200"}, headers=headers)
        listed = {row["id"] for row in api.json()["results"]}
        for relation, categories in sees.items():
            learner = world.learner(role=role, relation=relation)
            expected = relation != "unrelated" and needed <= categories
            where = f"{field}, {role}, {relation}, special shared: {special_shared}"
            assert (f'href="/learners/{learner.id}/"' in page) == expected, where
            assert (str(learner.id) in listed) == expected, where
            record_property("authorisation_cells", 2)
