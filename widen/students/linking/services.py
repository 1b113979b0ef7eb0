"""Students linked to their outreach past: proposing, confirming and rejecting the match between
a provider's student and the partnership's learner record of the same young person.

* **Proposing** (`learner_links_propose`): for the provider's students not yet linked, the
  learner records the person sees by name (`learner_policy`, needing identity: "where an
  agreement allows") are searched, first by the same ULN ("uln"), then with the duplicate
  finder's record linkage (`probable_duplicates`: its scoring, its reasons in words and its
  twin protection, so a twin of the student is never proposed), "linkage". A pair is proposed
  once; a pair a person said is not the same young person is never proposed again.
* **Deciding**: a person who may change the student (`student_policy`, CHANGE) and sees the
  learner by name confirms (the student's `linked_learner` is set, audited) or rejects. One
  learner per student, and one student per learner at a provider: confirming closes the
  student's other proposals and the other proposals of the provider's students for that learner.

Anything the person may not decide answers like a link that does not exist (`NotFound`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.accounts.capabilities import is_system, require_actor
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import NotFound
from widen.core.names import fold_name
from widen.learners.duplicates.finding import (
    DEFAULT_THRESHOLD,
    FIELDS,
    probable_duplicates,
)
from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.organisations.models import (
    DataCategory,
    DataSharingAgreement,
    Organisation,
    OrganisationType,
)
from widen.students.models import LearnerLink, LinkStatus, Student, StudentStatus
from widen.students.permissions import CHANGE, student_policy

ULN = "uln"
LINKAGE = "linkage"
FOUND_BY = {ULN: "the same ULN", LINKAGE: "names, date of birth and postcode"}
# The fields compared, as the review page names them (the duplicate finder's fields, with the
# ULN first).
FIELD_LABELS = {
    "uln": "ULN",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "postcode": "Home postcode",
    "school_id": "School",
    "upn": "UPN",
}
_STUDENT = "student:"
_LEARNER = "learner:"


# --- Who may do what ---------------------------------------------------------------------------


def providers_to_link(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose students `actor` may link (those whose students they change)."""
    if is_system(actor):
        return Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    return student_policy.providers_managed(actor).order_by("name")


def linkable_learners(actor: Any, provider: Organisation) -> QuerySet[Learner]:
    """The learner records a match may be proposed with: those `actor` sees by name, neither
    anonymised nor restricted. For Widen itself (a command), those the provider's own people
    could see by name: the provider's own records, and those of the other parties to an
    agreement in force that shares identity with it."""
    learners: QuerySet[Learner]
    if is_system(actor):
        agreements = DataSharingAgreement.objects.in_force().filter(
            parties=provider, shares_identity=True
        )
        holders = Organisation.objects.filter(
            Q(pk=provider.pk) | Q(data_sharing_agreements__in=agreements)
        ).values("pk")
        learners = Learner.objects.filter(organisation__in=holders)
    else:
        learners = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return learners.filter(processable_condition())


def _provider(actor: Any, provider: Organisation | Any) -> Organisation:
    found = providers_to_link(actor).filter(pk=getattr(provider, "pk", provider)).first()
    if found is None:
        raise NotFound
    return found


# --- Proposing ---------------------------------------------------------------------------------


@dataclass
class ProposeSummary:
    provider: Organisation
    students_compared: int = 0
    learners_compared: int = 0
    proposed_by_uln: int = 0
    proposed_by_linkage: int = 0
    already_known: int = 0
    twins_set_aside: int = 0
    new_links: list[LearnerLink] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return self.proposed_by_uln + self.proposed_by_linkage

    def text(self, *, seen_by: str) -> str:
        """What was done, in words (the page's message, the command's output)."""

        def plural(count: int, noun: str) -> str:
            return f"{count:,} {noun}{'' if count == 1 else 's'}"

        return (
            f"{self.provider.name}: compared {plural(self.students_compared, 'student')} not "
            f"yet linked with {plural(self.learners_compared, 'learner record')} {seen_by} by "
            f"name; {plural(self.proposed, 'new proposal')} ({self.proposed_by_uln:,} by ULN, "
            f"{self.proposed_by_linkage:,} by names, date of birth and postcode), "
            f"{self.already_known:,} found before; "
            f"{plural(self.twins_set_aside, 'pair')} that look like twins left out."
        )


def _frame(rows: list[tuple[Any, ...]], prefix: str) -> pl.DataFrame:
    return pl.DataFrame(
        [(prefix + str(row[0]), *row[1:]) for row in rows],
        schema={
            "learner_id": pl.String,
            "first_name": pl.String,
            "last_name": pl.String,
            "date_of_birth": pl.Date,
            "postcode": pl.String,
            "school_id": pl.String,
            "upn": pl.String,
        },
        orient="row",
    )


def _plain_reasons(student: tuple[Any, ...], learner: tuple[Any, ...]) -> list[dict[str, str]]:
    """For a pair found by its ULN, whether the rest agrees, so that a reviewer sees a ULN
    typed against the wrong person: names as `fold_name` writes them, the date of birth, the
    home postcode (same, different, or missing)."""

    def agreement(one: Any, two: Any) -> str:
        if not one or not two:
            return "missing"
        return "same" if one == two else "different"

    return [
        {
            "field": "first_name",
            "agreement": agreement(fold_name(student[1]), fold_name(learner[1])),
        },
        {
            "field": "last_name",
            "agreement": agreement(fold_name(student[2]), fold_name(learner[2])),
        },
        {"field": "date_of_birth", "agreement": agreement(student[3], learner[3])},
        {
            "field": "postcode",
            "agreement": agreement(
                str(student[4] or "").replace(" ", "").upper(),
                str(learner[4] or "").replace(" ", "").upper(),
            ),
        },
    ]


def learner_links_propose(
    *, actor: Any, provider: Organisation | Any, threshold: float = DEFAULT_THRESHOLD
) -> ProposeSummary:
    """Propose learner records for `provider`'s students not yet linked, as `actor` sees them."""
    require_actor(actor)
    provider = _provider(actor, provider)
    summary = ProposeSummary(provider)
    students = list(
        Student.objects.filter(
            organisation=provider, linked_learner__isnull=True, anonymised_at__isnull=True
        ).values_list(
            "pk", "first_name", "last_name", "date_of_birth", "home_postcode", "uln", "status"
        )
    )
    # One student per learner at a provider: a learner already linked to one is not offered.
    learners = linkable_learners(actor, provider).exclude(
        pk__in=Student.objects.filter(organisation=provider, linked_learner__isnull=False).values(
            "linked_learner_id"
        )
    )
    learner_rows = list(
        learners.values_list(
            "pk", "first_name", "last_name", "date_of_birth", "home_postcode", "school_id", "upn"
        )
    )
    learner_uln = dict(learners.exclude(uln="").values_list("pk", "uln"))
    summary.students_compared = len(students)
    summary.learners_compared = len(learner_rows)
    if not students or not learner_rows:
        return summary
    known = set(
        LearnerLink.objects.filter(student__organisation=provider).values_list(
            "student_id", "learner_id"
        )
    )
    found: dict[tuple[UUID, UUID], LearnerLink] = {}

    # First the ULN: a learner number is one person's for life.
    by_uln: dict[str, list[UUID]] = defaultdict(list)
    for learner_id, uln in learner_uln.items():
        by_uln[uln].append(learner_id)
    student_uln = {row[0]: row[5] for row in students if row[5]}
    student_by_id = {row[0]: row for row in students}
    learner_by_id = {row[0]: row for row in learner_rows}
    for student_id, uln in student_uln.items():
        for learner_id in by_uln.get(uln, []):
            found[(student_id, learner_id)] = LearnerLink(
                student_id=student_id,
                learner_id=learner_id,
                found_by=ULN,
                score=1.0,
                reasons=[
                    {"field": "uln", "agreement": "same"},
                    *_plain_reasons(student_by_id[student_id], learner_by_id[learner_id]),
                ],
            )

    # Then the duplicate finder's linkage: students and learners searched together, only the
    # pairs of a student and a learner kept. Its twin protection applies as for two learners.
    student_frame = _frame([(row[0], *row[1:5], None, None) for row in students], _STUDENT)
    learner_frame = _frame(
        [
            (row[0], *row[1:4], row[4], str(row[5]) if row[5] else None, row[6])
            for row in learner_rows
        ],
        _LEARNER,
    )
    search = probable_duplicates(pl.concat([student_frame, learner_frame]), threshold=threshold)
    summary.twins_set_aside = search.twins_set_aside
    for row in search.pairs.iter_rows(named=True):
        # Identifiers sort as text: "learner:…" before "student:…".
        one, two = row["learner_one"], row["learner_two"]
        if not (one.startswith(_LEARNER) and two.startswith(_STUDENT)):
            continue
        learner_id = UUID(one.removeprefix(_LEARNER))
        student_id = UUID(two.removeprefix(_STUDENT))
        if (student_id, learner_id) in found:
            continue
        # Two ULNs that differ are two people, whatever else agrees.
        if student_uln.get(student_id) and learner_uln.get(learner_id):
            continue
        found[(student_id, learner_id)] = LearnerLink(
            student_id=student_id,
            learner_id=learner_id,
            found_by=LINKAGE,
            score=float(row["match_probability"]),
            reasons=[
                {"field": name, "agreement": row[name]}
                for name in FIELDS
                if name not in {"school_id", "upn"}  # a student record has neither
            ],
        )
    new = [link for key, link in found.items() if key not in known]
    summary.already_known = len(found) - len(new)
    with transaction.atomic():
        summary.new_links = LearnerLink.objects.bulk_create(new, ignore_conflicts=True)
    summary.proposed_by_uln = sum(1 for link in new if link.found_by == ULN)
    summary.proposed_by_linkage = sum(1 for link in new if link.found_by == LINKAGE)
    return summary


# --- Reading and deciding ----------------------------------------------------------------------


def learner_link_list(*, actor: Any, status: str = LinkStatus.PROPOSED) -> QuerySet[LearnerLink]:
    """Links `actor` may decide (students they change, learners they see by name), best first."""
    if is_system(actor):
        return LearnerLink.objects.filter(status=status)
    students = Student.objects.filter(
        organisation__in=providers_to_link(actor).values("pk")
    ).filter(pk__in=student_policy.visible_to(actor).values("pk"))
    return (
        LearnerLink.objects.filter(
            status=status,
            student__in=students,
            learner__in=learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).filter(
                processable_condition()
            ),
        )
        .select_related("student__organisation", "learner__organisation", "learner__school")
        .order_by("-score", "student__last_name", "student__first_name", "id")
    )


def learner_link_get(*, actor: Any, link_id: Any) -> LearnerLink:
    """A proposal waiting for `actor`'s decision. Malformed, missing, decided and not-theirs all
    answer the same (`NotFound`)."""
    try:
        pk = UUID(str(link_id))
    except ValueError:
        raise NotFound from None
    link = learner_link_list(actor=actor).filter(pk=pk).first()
    if link is None or not student_policy.may(actor, CHANGE, link.student):
        raise NotFound
    return link


def _decide(link: LearnerLink, actor: Any, status: str) -> None:
    link.status = status
    link.decided_by = None if is_system(actor) else actor
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


def learner_link_confirm(*, actor: Any, link_id: Any) -> LearnerLink:
    """The student is this learner: `Student.linked_learner` set (audited), and the other open
    proposals of the student, and of the provider's other students for this learner, closed."""
    require_actor(actor)
    with transaction.atomic():
        link = learner_link_get(actor=actor, link_id=link_id)
        student = Student.objects.select_for_update().get(pk=link.student_id)
        if student.linked_learner_id is not None:
            raise NotFound
        _decide(link, actor, LinkStatus.CONFIRMED)
        student.linked_learner_id = link.learner_id
        student.save(update_fields=["linked_learner", "updated_at"])
        others = LearnerLink.objects.filter(status=LinkStatus.PROPOSED).filter(
            Q(student=student)
            | Q(learner_id=link.learner_id, student__organisation_id=student.organisation_id)
        )
        others.update(
            status=LinkStatus.REJECTED,
            decided_by=None if is_system(actor) else actor,
            decided_at=timezone.now(),
        )
        audit_event_record(
            action=AuditAction.UPDATE,
            object_type="students.learnerlink",
            object_id=link.pk,
            learner_id=link.learner_id,
            organisation_id=student.organisation_id,
            changed_fields=["status"],
        )
    return link


def learner_link_reject(*, actor: Any, link_id: Any) -> LearnerLink:
    """Not the same young person: remembered, and never proposed again."""
    require_actor(actor)
    with transaction.atomic():
        link = learner_link_get(actor=actor, link_id=link_id)
        _decide(link, actor, LinkStatus.REJECTED)
        audit_event_record(
            action=AuditAction.UPDATE,
            object_type="students.learnerlink",
            object_id=link.pk,
            learner_id=link.learner_id,
            organisation_id=link.student.organisation_id,
            changed_fields=["status"],
        )
    return link


# --- The learner's journey -----------------------------------------------------------------------


# Statuses of a student who has not started a course (yet): not progression to HE.
NOT_STARTED = (StudentStatus.APPLICANT, StudentStatus.OFFER_HOLDER)


@dataclass(frozen=True)
class HigherEducationStart:
    """What a learner's journey shows of a confirmed student record: where, and from when."""

    provider: str
    day: date

    @property
    def text(self) -> str:
        return f"Enrolled at {self.provider} in {self.day:%B %Y}"


def learner_he_starts(*, learner: Learner) -> list[HigherEducationStart]:
    """Where `learner` went on to study (their confirmed student records that started a course):
    the provider and the month the course started (or, not recorded, the status began). The
    journey shows only this, to people who see the learner; nothing else of the student record."""
    rows = (
        Student.objects.filter(linked_learner=learner, anonymised_at__isnull=True)
        .exclude(status__in=NOT_STARTED)
        .values_list("organisation__name", "starts_on", "status_since", "created_at")
    )
    return [
        HigherEducationStart(provider, starts_on or status_since or created_at.date())
        for provider, starts_on, status_since, created_at in rows
    ]
