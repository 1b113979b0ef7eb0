"""The URL kwargs of each cell: the object its rule asks about, in its relation to the person.
Rules of the events, survey, report and payments pages find theirs in those areas' matrix
modules; the others are built in tests/authz/objects.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.authz.objects import (
    activity_for,
    checkin_event_for,
    duplicate_pair_for,
    enrolment_learner,
    import_run_for,
    owner_for,
    programme_for,
    register_import_for,
    rule_set_for,
    session_for,
)
from tests.authz.rules import ANONYMOUS
from tests.evaluation.report_matrix import report_kwargs
from tests.evaluation.survey_matrix import survey_kwargs
from tests.events.matrix import event_kwargs
from tests.mentoring.matrix import mentoring_kwargs
from tests.partners.matrix import partners_kwargs
from tests.payments.matrix import payments_kwargs
from tests.rights.matrix import rights_kwargs
from tests.students.imports.matrix import student_import_kwargs
from tests.students.linking.matrix import link_kwargs
from tests.students.mine.matrix import my_student_kwargs
from tests.students.records_matrix import student_records_kwargs
from tests.support.matrix import support_kwargs
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.events.checkin import checkin_code
from widen.learners.models import SavedSearch
from widen.notifications.models import Category, Notification
from widen.notifications.stop_links import stop_token
from widen.programmes.models import Enrolment
from widen.testing.world import World

# Rules whose URL names a partnership of the person's (own, partner) or a stranger's.
PARTNERSHIP_RULES = {
    "partnership",
    "rule_set_plan",
    "programme_plan",
    "activity_plan",
    "event_plan",
}


def target_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    """The URL kwargs of a cell: the object the rule asks about, in `relation` to `role`."""
    acting_role = Role.OUTREACH_OFFICER if role == ANONYMOUS else role
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
    data_rights_kwargs = rights_kwargs(world, rule, acting_role, relation)
    if data_rights_kwargs is not None:
        return data_rights_kwargs
    students_own_kwargs = my_student_kwargs(world, rule, relation)
    if students_own_kwargs is not None:
        return students_own_kwargs
    records_kwargs = student_records_kwargs(world, rule, relation)
    if records_kwargs is not None:
        return records_kwargs
    imports_kwargs = student_import_kwargs(world, rule, acting_role, relation)
    if imports_kwargs is not None:
        return imports_kwargs
    student_link_kwargs = link_kwargs(world, rule, acting_role, relation)
    if student_link_kwargs is not None:
        return student_link_kwargs
    partner_kwargs = partners_kwargs(world, rule, acting_role, relation)
    if partner_kwargs is not None:
        return partner_kwargs
    scheme_kwargs = support_kwargs(world, rule, acting_role, relation)
    if scheme_kwargs is not None:
        return scheme_kwargs
    found_mentoring_kwargs = mentoring_kwargs(world, rule, acting_role, relation)
    if found_mentoring_kwargs is not None:
        return found_mentoring_kwargs
    if rule == "duplicate_pair":
        return {"pair_id": duplicate_pair_for(world, acting_role, relation).id}
    if rule in {"event_checkin", "event_checkin_booking", "event_checkin_scan"}:
        return checkin_kwargs(world, rule, relation)
    if rule in {"event_public", "booking_holder", "partnership_feed"}:
        return public_event_kwargs(world, rule)
    if rule == "import_run":
        return {"import_id": import_run_for(world, acting_role, relation).id}
    if rule in {"learner_view", "learner_edit", "learner_audit"}:
        return {"learner_id": world.learner(role=acting_role, relation=relation).id}
    if rule == "organisation":
        organisation = {
            "own": world.organisation_of(acting_role),
            "partner": world.beta,
            "unrelated": world.gamma,
        }[relation]
        return {"organisation_id": organisation.id}
    if rule in PARTNERSHIP_RULES:
        return {"partnership_id": world.north.id if relation != "unrelated" else world.south.id}
    if rule in {"rule_set_view", "rule_set_manage"}:
        return {"rule_set_id": rule_set_for(world, relation).id}
    if rule in {"activity_view", "activity_deliver"}:
        return {"activity_id": activity_for(world, relation).id}
    if rule == "register":
        return {"session_id": session_for(world, relation).id}
    if rule == "register_import":
        return {"import_id": register_import_for(world, acting_role, relation).id}
    if rule == "saved_search":
        owner = owner_for(world, acting_role, relation)
        search = SavedSearch.objects.create(
            owner=owner, name=f"Matrix search {SavedSearch.objects.count()}", filters={"q": "a"}
        )
        return {"search_id": search.id}
    if rule == "api_token":
        owner = owner_for(world, acting_role, relation)
        token, _ = api_token_create(user=owner, name="Matrix token")
        return {"token_id": token.id}
    if rule == "notification":
        owner = owner_for(world, acting_role, relation)
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
