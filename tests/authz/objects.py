"""The object each rule's cell asks for, in each relation to the person: own (of the person's
organisation, or their own), partner (of another member of their partnership, or a colleague's),
unrelated (of a stranger partnership). Rules of the events, survey, report and payments pages
find theirs in those areas' matrix modules."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from widen.accounts.capabilities import Capability, role_grants
from widen.accounts.models import Role, User
from widen.activities.models import Activity, RegisterImport, Session
from widen.events.models import AttendeeType, Booking, Event, EventKind
from widen.events.services import BookingDetails, booking_create
from widen.learners.models import DuplicateCandidate, ImportRun, Learner
from widen.programmes.models import ActivitySubType, Programme, ProgrammeStage
from widen.targeting.models import RuleSet
from widen.testing.delivery import free_school_meals_version
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells
from widen.testing.world import World, year_group_birthday


def owner_for(world: World, role: str, relation: str) -> User:
    """The person's own (own), or another person's: a colleague's or a stranger's."""
    return world.users[role if relation == "own" else "staff"]


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
        editor = role_grants(role, Capability.LEARNERS_EDIT)
        uploader = world.users[role if editor else Role.OUTREACH_OFFICER]
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


def activity_for(world: World, relation: str, *, name: str = "Matrix activity") -> Activity:
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
        name=name,
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
            uploaded_by=owner_for(world, role, relation),
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
        free_school_meals_version(rule_set)
    return rule_set
