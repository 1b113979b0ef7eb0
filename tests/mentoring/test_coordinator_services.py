"""What a coordinator relies on when running a programme: its settings refused when they do not
hold together, mentors' places and checks, mentees, and a matching run from the database that
keeps the hard rules, explains itself, and is swapped, locked, published or discarded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.mentoring.coordinator_factories import (
    make_cohort,
    make_mentee,
    make_mentor,
    make_programme,
    make_pupil_mentee,
)
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.mentoring.models import (
    MatchingRunStatus,
    MenteesAre,
    MenteeStatus,
    NeverPairReason,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.services.matching_runs import (
    matching_run,
    pair_lock,
    pairs_swap,
    run_discard,
    run_publish,
)
from widen.mentoring.services.programmes import (
    mentee_accept,
    mentor_checks_record,
    never_pair_add,
    programme_create,
    programme_mentor_approve,
    programme_mentor_capacity_set,
    programme_update,
    pupils_add,
)
from widen.notifications.models import Notification
from widen.testing.world import World

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "industry": 30,
    "career_path": 20,
    "shared_background": 20,
    "location_and_mode": 10,
    "availability": 10,
    "languages": 10,
}
SEVENTEEN = timezone.localdate() - timedelta(days=365 * 17)


@pytest.fixture(autouse=True)
def _bound() -> object:
    with request_context.bind(source="test"):
        yield


def coordinator(world: World):
    return world.users[Role.OUTREACH_OFFICER]


def test_a_coordinator_sets_up_a_programme_and_it_is_audited(world: World) -> None:
    programme = programme_create(
        actor=coordinator(world),
        organisation=world.alpha,
        details={"name": "  Law   mentoring ", "weights": {**WEIGHTS, "industry": 55}},
    )
    assert programme.name == "Law mentoring"
    assert programme.weights["industry"] == 55
    assert programme.created_by == coordinator(world)
    assert AuditEvent.objects.filter(object_id=str(programme.pk)).exists()


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"weights": {**WEIGHTS, "industry": 101}}, "weight_industry"),
        ({"weights": {**WEIGHTS, "languages": 2.5}}, "weight_languages"),
        ({"weights": {**WEIGHTS, "luck": 5}}, "weights"),
        ({"mentees_are": MenteesAre.PUPILS}, "partnership"),
        (
            {"cohort_starts_on": date(2027, 1, 1), "cohort_ends_on": date(2026, 1, 1)},
            "cohort_ends_on",
        ),
        ({"check_in_weeks": 0}, "check_in_weeks"),
        ({"mentees_must_belong_to": "support.scheme:nothing"}, "mentees_must_belong_to"),
    ],
)
def test_a_programme_that_does_not_hold_together_is_refused(
    world: World, details: dict, field: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        programme_create(
            actor=coordinator(world),
            organisation=world.alpha,
            details={"name": "Refused", **details},
        )
    assert refused.value.field == field


def test_a_pupils_programme_runs_in_a_partnership_of_its_organisation(world: World) -> None:
    with pytest.raises(ApplicationError):
        programme_create(
            actor=coordinator(world),
            organisation=world.alpha,
            details={"name": "Pupils", "mentees_are": "pupils", "partnership": world.south},
        )
    programme = programme_create(
        actor=coordinator(world),
        organisation=world.alpha,
        details={"name": "Pupils", "mentees_are": "pupils", "partnership": world.north},
    )
    assert programme.partnership == world.north


def test_another_organisations_coordinator_cannot_set_up_or_change_it(world: World) -> None:
    school_staff = world.users[Role.SCHOOL_STAFF]
    with pytest.raises(NotFound):
        programme_create(actor=school_staff, organisation=world.alpha, details={"name": "X"})
    programme = make_programme(world.gamma)
    with pytest.raises(NotFound):
        programme_update(actor=coordinator(world), programme=programme, changes={"name": "Mine"})


def test_places_capacity_and_checks(world: World) -> None:
    programme = make_programme(world.alpha)
    place = make_mentor(programme, "mentor.a", status=ProgrammeMentorStatus.APPLIED)
    place = programme_mentor_approve(actor=coordinator(world), place=place)
    assert place.status == ProgrammeMentorStatus.APPROVED
    with pytest.raises(ApplicationError):
        programme_mentor_capacity_set(actor=coordinator(world), place=place, capacity=21)
    assert (
        programme_mentor_capacity_set(actor=coordinator(world), place=place, capacity=4).capacity
        == 4
    )
    with pytest.raises(ApplicationError) as refused:
        mentor_checks_record(
            actor=coordinator(world),
            mentor=place.mentor,
            training_completed_on=date(2026, 1, 5),
            dbs_certificate_number="12345",
            dbs_issued_on=date(2025, 6, 1),
        )
    assert refused.value.field == "dbs_certificate_number"
    mentor = mentor_checks_record(
        actor=coordinator(world),
        mentor=place.mentor,
        training_completed_on=date(2026, 1, 5),
        dbs_certificate_number="0012 3456 7890",
        dbs_issued_on=date(2025, 6, 1),
        dbs_update_service=True,
    )
    assert mentor.may_mentor_under_18
    assert mentor.dbs_checked_by == coordinator(world)
    assert mentor.dbs_checked_on == timezone.localdate()


def test_pupils_are_added_from_learners_the_coordinator_sees_in_the_partnership(
    world: World,
) -> None:
    programme = make_programme(world.alpha, "Pupils", mentees_are="pupils", partnership=world.north)
    added = pupils_add(
        actor=coordinator(world), programme=programme, learners=[world.learner_alpha]
    )
    assert [mentee.learner for mentee in added] == [world.learner_alpha]
    assert added[0].status == MenteeStatus.ACCEPTED
    with pytest.raises(ApplicationError):
        pupils_add(actor=coordinator(world), programme=programme, learners=[world.learner_gamma])


def test_the_run_matches_from_the_database_and_keeps_the_hard_rules(world: World) -> None:
    programme = make_programme(world.alpha)
    cleared = make_mentor(
        programme, "cleared", dbs=True, industries=["law"], career_path=["audit"]
    ).mentor
    finance = make_mentor(programme, "finance", capacity=1, industries=["finance"]).mentor
    make_mentor(
        programme, "declined", status=ProgrammeMentorStatus.DECLINED, industries=["finance"]
    )
    young = make_mentee(programme, "Y1", "Yan", born=SEVENTEEN, careers=["audit"])
    adult = make_mentee(programme, "A1", "Ada", industries=["finance"])
    never = make_mentee(programme, "N1", "Ned", industries=["law"])
    make_mentee(programme, "P1", "Pat", status=MenteeStatus.APPLIED, industries=["finance"])
    never_pair_add(
        actor=coordinator(world),
        programme=programme,
        mentor=cleared,
        mentee=never,
        reason=NeverPairReason.SAME_FAMILY,
    )
    run = matching_run(actor=coordinator(world), programme=programme)
    pairs = {pair.mentee_id: pair for pair in Relationship.objects.filter(run=run)}
    assert pairs[young.pk].mentor == cleared  # under 18: only the DBS-checked mentor
    assert pairs[adult.pk].mentor == finance
    assert pairs[adult.pk].reasons[0]["words"] == "both in finance"
    assert pairs[adult.pk].score == 30 + 10  # industry; both meet online
    assert never.pk not in pairs
    assert [left["mentee_id"] for left in run.unmatched] == [str(never.pk)]
    assert run.unmatched[0]["reason"].startswith("no mentor with a place works in law")
    assert run.proven_optimal
    assert run.weights == programme.weights
    assert run.total_score == sum(pair.score for pair in pairs.values())


def test_a_new_run_keeps_locked_and_introduced_pairs_and_discards_the_rest(world: World) -> None:
    programme = make_programme(world.alpha)
    make_cohort(programme, mentees=12, mentors=6)
    first = matching_run(actor=coordinator(world), programme=programme)
    pairs = list(Relationship.objects.filter(run=first).order_by("pk"))
    kept = pair_lock(actor=coordinator(world), pair=pairs[0], locked=True)
    second = matching_run(actor=coordinator(world), programme=programme)
    first.refresh_from_db()
    assert first.status == MatchingRunStatus.DISCARDED
    kept.refresh_from_db()
    assert kept.run_id == second.pk
    assert kept.locked
    assert not Relationship.objects.filter(run=first).exists()
    live = Relationship.objects.filter(programme=programme, status=RelationshipStatus.PROPOSED)
    assert live.count() == second.matched
    run_publish(actor=coordinator(world), run=second)
    third = matching_run(actor=coordinator(world), programme=programme)
    assert third.matched == second.matched  # every introduced pair kept, nobody new
    assert not Relationship.objects.filter(run=third).exists()


def test_swapping_two_pairs_rescores_them_and_refuses_a_broken_rule(world: World) -> None:
    programme = make_programme(world.alpha)
    law = make_mentor(programme, "law", industries=["law"], dbs=True).mentor
    finance = make_mentor(programme, "fin", industries=["finance"]).mentor
    ann = make_mentee(programme, "S1", "Ann", industries=["law"])
    bob = make_mentee(programme, "S2", "Bob", industries=["finance"])
    run = matching_run(actor=coordinator(world), programme=programme)
    one = Relationship.objects.get(run=run, mentee=ann)
    other = Relationship.objects.get(run=run, mentee=bob)
    assert (one.mentor, one.score) == (law, 40)
    swapped = pairs_swap(actor=coordinator(world), first=one, second=other)
    assert swapped[0].mentor == finance
    assert swapped[0].score == 10
    assert [reason["words"] for reason in swapped[0].reasons] == ["both prefer online"]
    run.refresh_from_db()
    assert run.total_score == 20


def test_a_swap_giving_a_child_a_mentor_without_dbs_is_refused(world: World) -> None:
    programme = make_programme(world.alpha)
    checked = make_mentor(programme, "checked", dbs=True, industries=["law"]).mentor
    make_mentor(programme, "unchecked", industries=["finance"])
    child = make_mentee(programme, "K1", "Kit", born=SEVENTEEN, industries=["law"])
    adult = make_mentee(programme, "K2", "Kim", industries=["finance"])
    run = matching_run(actor=coordinator(world), programme=programme)
    young = Relationship.objects.get(run=run, mentee=child)
    assert young.mentor == checked
    with pytest.raises(ApplicationError, match="DBS"):
        pairs_swap(
            actor=coordinator(world),
            first=young,
            second=Relationship.objects.get(run=run, mentee=adult),
        )
    young.refresh_from_db()
    assert young.mentor == checked


def test_pupils_are_matched_only_with_dbs_checked_mentors(world: World) -> None:
    programme = make_programme(world.alpha, "Pupils", mentees_are="pupils", partnership=world.north)
    make_mentor(programme, "checked", dbs=True, industries=["law"])
    make_mentor(programme, "unchecked", capacity=5, industries=["law"])
    make_pupil_mentee(programme, world.learner_alpha, industries=["law"])
    make_pupil_mentee(programme, world.learner_school, industries=["law"])
    run = matching_run(actor=coordinator(world), programme=programme)
    pair = Relationship.objects.get(run=run)
    assert pair.mentor.user.username == "checked"
    assert run.unmatched[0]["reason"] == (
        "under 18 and every DBS-checked mentor who could take them is full"
    )


def test_a_mentee_left_out_only_for_want_of_a_date_of_birth_is_told_so(world: World) -> None:
    programme = make_programme(world.alpha)
    make_mentor(programme, "unchecked.only", industries=["law"])
    unknown = make_mentee(programme, "A1", "Una", born=None, industries=["law"])
    run = matching_run(actor=coordinator(world), programme=programme)
    assert run.unmatched == [
        {
            "mentee_id": str(unknown.pk),
            "reason": "no date of birth is recorded, so they are matched as if under 18: "
            "under 18 and no DBS-checked mentor has a place",
        }
    ]


def test_publishing_introduces_the_pairs_and_tells_both(
    world: World, django_capture_on_commit_callbacks
) -> None:
    programme = make_programme(world.alpha)
    make_mentor(programme, "mentor.pub", industries=["law"])
    make_mentee(programme, "PUB1", "Pia", industries=["law"], email="pia@students.example.ac.uk")
    run = matching_run(actor=coordinator(world), programme=programme)
    with pytest.raises(NotFound):
        run_publish(actor=world.users[Role.SCHOOL_STAFF], run=run)
    with pytest.raises(NotFound):
        run_discard(actor=world.users[Role.SCHOOL_STAFF], run=run)
    with django_capture_on_commit_callbacks(execute=True):
        run_publish(actor=coordinator(world), run=run)
    pair = Relationship.objects.get(programme=programme)
    assert pair.status == RelationshipStatus.INTRODUCED
    told = Notification.objects.filter(user__username="mentor.pub").get()
    assert told.link.startswith("/mentoring/")
    assert "You have a mentee in Finance mentoring" in told.subject
    student = Notification.objects.get(email="pia@students.example.ac.uk")
    assert student.subject == "You have a mentor in Finance mentoring"
    with pytest.raises(ApplicationError):
        run_discard(actor=coordinator(world), run=run)


def test_accepting_a_mentee_puts_them_into_the_next_run(world: World) -> None:
    programme = make_programme(world.alpha)
    make_mentor(programme, "m.acc", industries=["law"])
    applied = make_mentee(programme, "ACC1", status=MenteeStatus.APPLIED, industries=["law"])
    assert matching_run(actor=coordinator(world), programme=programme).matched == 0
    mentee_accept(actor=coordinator(world), mentee=applied)
    assert matching_run(actor=coordinator(world), programme=programme).matched == 1
    assert len(mail.outbox) == 0
