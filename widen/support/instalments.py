"""Awards' instalments on their days: falling due, held and released, cancelled, and paid.

* `instalments_fall_due(day=...)` runs every day (`widen support instalments-due`, and the
  scheduler). For each accepted award, every scheduled instalment whose day has come is decided
  by the student's status **on that day**: enrolled, and it becomes a ledger entry for the
  award's payee (`due`, paid by the next payment run); otherwise it is `held`, saying why. Held
  instalments are looked at again each run: once the student is enrolled again they are released
  (`due`, with their entry). Nothing is entered in the ledger before its day, so a payment run
  pays exactly the instalments due; running it again changes nothing. The students whose
  instalments it held are told why in the background, once the run commits
  (`instalments_held_tell`).
* A payment run marked paid (`run_marked_paid`) marks its instalments paid on the run's date;
  an award whose instalments are all paid or cancelled is then paid in full, and each student is
  told, in the background.

Each step is the same few statements whatever the number of awards (an instalment run for
20,000 awards is the benchmark).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Case, Exists, Expression, F, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.audit.models import StateChange
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.core.workflows import Workflow
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.payments.models import EntryKind, PaymentRun
from widen.payments.money import pounds
from widen.payments.services import EntryToRecord, ledger_entries_record_many
from widen.students.selectors import StatusOn, student_status_on
from widen.support.models import (
    AWARD_WORKFLOW,
    INSTALMENT_WORKFLOW,
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    SupportRecord,
)
from widen.support.selectors.records import scheme_is_about_care

SOURCE_TYPE = "support.instalment"
BATCH = 1_000
STATUS_BATCH = 5_000  # students whose statuses are read in one query (well within SQL's limits)
# What an instalment run reads of each instalment, its award, payee and award scheme.
RUN_READS = (
    "number",
    "due_on",
    "amount_pence",
    "status",
    "award",
    "award__student",
    "award__payee",
    "award__payee__organisation",
    "award__award_scheme",
    "award__award_scheme__name",
    "award__award_scheme__academic_year",
)


@dataclass(frozen=True)
class FallDueResult:
    due: int  # scheduled instalments whose day came with the student enrolled
    held: int  # scheduled instalments whose day came with the student not enrolled
    released: int  # held instalments paid after all: the student is enrolled again


def _uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _history(
    workflow: Workflow,
    model: type[Any],
    ids: Iterable[Any],
    *,
    transition: str,
    from_state: str,
    actor: Any,
    reason: str,
) -> None:
    """The workflow's history for a move made in bulk, in batches (`Workflow.apply` writes it
    one at a time)."""
    context = request_context.current()
    person = actor if getattr(actor, "pk", None) else None
    target = workflow.transition(transition).target
    StateChange.objects.bulk_create(
        [
            StateChange(
                actor_id=getattr(person, "pk", None),
                actor_username=getattr(person, "username", "") or "",
                system_reason="" if person is not None else str(actor)[:200],
                source=context.source,
                request_id=context.request_id,
                object_type=model._meta.label_lower,
                object_id=str(pk),
                field_name=workflow.field_name,
                transition=transition,
                from_state=str(from_state),
                to_state=target,
                reason=reason[:500],
            )
            for pk in ids
        ],
        batch_size=BATCH,
    )


def _statuses(instalments: list[Instalment], on: Any) -> dict[tuple[UUID, date], StatusOn]:
    """Each (student, day) status the instalments need, `on(instalment)` naming the day: one
    pair of queries per distinct day (an award scheme's few instalment days) and 5,000
    students, never per instalment."""
    by_day: dict[date, set[UUID]] = defaultdict(set)
    for instalment in instalments:
        by_day[on(instalment)].add(instalment.award.student_id)
    found: dict[tuple[UUID, date], StatusOn] = {}
    for day, students in by_day.items():
        ids = sorted(students)
        for start in range(0, len(ids), STATUS_BATCH):
            batch = ids[start : start + STATUS_BATCH]
            for student_id, status in student_status_on(batch, day).items():
                found[(student_id, day)] = status
    return found


def _held_reason(status: StatusOn, due_on: date) -> str:
    label = status.label or "Not enrolled"
    return f"{label} on {_uk(status.since or due_on)}"


def _description(instalment: Instalment) -> str:
    award_scheme = instalment.award.award_scheme
    return f"{award_scheme.name} {award_scheme.academic_year}, instalment {instalment.number}"


def _entries(instalments: list[Instalment]) -> list[EntryToRecord]:
    # Only accepted awards' instalments fall due, and an accepted award names its payee.
    return [
        EntryToRecord(
            payee=instalment.award.payee,  # type: ignore[arg-type]
            amount_pence=instalment.amount_pence,
            kind=EntryKind.AWARD,
            description=_description(instalment),
            source_type=SOURCE_TYPE,
            source_id=str(instalment.pk),
        )
        for instalment in instalments
    ]


def instalments_fall_due(*, day: date, actor: Any = None) -> FallDueResult:
    """Decide every instalment of an accepted award whose day is `day` or before and is still
    scheduled (by the student's status on its day), and release every held one whose student
    is enrolled on `day`. Returns how many fell due, were held and were released."""
    if day > timezone.localdate():
        raise ApplicationError(
            "Instalments fall due on their day, not before: the day cannot be in the future.",
            field="day",
        )
    actor = actor or system_actor(f"instalments falling due on {day.isoformat()}")
    now = timezone.now()
    person = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        waiting = list(
            Instalment.objects.select_for_update(of=("self",))
            .filter(
                award__status=AwardStatus.ACCEPTED,
                award__payee__isnull=False,
                due_on__lte=day,
                status__in=[InstalmentStatus.SCHEDULED, InstalmentStatus.HELD],
            )
            .select_related("award__payee", "award__award_scheme")
            # Only what the run reads: not the payees' bank details (decrypted as they load).
            .only(*RUN_READS)
            .order_by("due_on", "award_id", "number")
        )
        scheduled = [i for i in waiting if i.status == InstalmentStatus.SCHEDULED]
        held_before = [i for i in waiting if i.status == InstalmentStatus.HELD]
        on_its_day = _statuses(scheduled, lambda i: i.due_on)
        today = _statuses(held_before, lambda _: day)

        falling_due: list[Instalment] = []
        to_hold: list[Instalment] = []
        for instalment in scheduled:
            status = on_its_day.get((instalment.award.student_id, instalment.due_on))
            if status is not None and status.is_enrolled:
                falling_due.append(instalment)
            else:
                instalment.held_reason = _held_reason(
                    status or StatusOn("", None), instalment.due_on
                )[:200]
                to_hold.append(instalment)
        released = [
            i
            for i in held_before
            if (status := today.get((i.award.student_id, day))) is not None and status.is_enrolled
        ]

        paying = falling_due + released
        entries = ledger_entries_record_many(_entries(paying), actor, batch_size=BATCH)
        for instalment, entry in zip(paying, entries, strict=True):
            instalment.ledger_entry = entry
            instalment.status = InstalmentStatus.DUE
            instalment.status_changed_at = now
            instalment.status_changed_by = person
        for instalment in to_hold:
            instalment.status = InstalmentStatus.HELD
            instalment.status_changed_at = now
            instalment.status_changed_by = person
        _enter_due(paying, now=now, person=person)
        _hold(to_hold, now=now, person=person)
        reason = f"Its day came: {_uk(day)}"
        _history(
            INSTALMENT_WORKFLOW,
            Instalment,
            [i.pk for i in falling_due],
            transition="fall_due",
            from_state=InstalmentStatus.SCHEDULED,
            actor=actor,
            reason=reason,
        )
        _history(
            INSTALMENT_WORKFLOW,
            Instalment,
            [i.pk for i in released],
            transition="fall_due",
            from_state=InstalmentStatus.HELD,
            actor=actor,
            reason=f"Released: enrolled on {_uk(day)}",
        )
        _history(
            INSTALMENT_WORKFLOW,
            Instalment,
            [i.pk for i in to_hold],
            transition="hold",
            from_state=InstalmentStatus.SCHEDULED,
            actor=actor,
            reason="Held: not enrolled on its day",
        )
        if to_hold:
            from widen.support.tasks import instalments_held_tell_queue  # noqa: PLC0415

            instalments_held_tell_queue([i.pk for i in to_hold], held_at=now)
    return FallDueResult(due=len(falling_due), held=len(to_hold), released=len(released))


def update_batch_size() -> int:
    """Instalments written by one UPDATE: each key is sent twice or three times (its branch of
    the CASE and the list of those updated), within what the database takes in one statement."""
    return min(BATCH, connection.ops.bulk_batch_size(["pk"] * 3, [None] * BATCH))


def _batches(instalments: list[Instalment]) -> Iterable[list[Instalment]]:
    size = update_batch_size()
    for start in range(0, len(instalments), size):
        yield instalments[start : start + size]


class _EachOwn(Expression):
    """`CASE id WHEN <key> THEN <value> ... END`: each instalment's own value, written out as
    it is (Django's `Case` builds and compiles a lookup for every branch, the most of a large
    batch's time)."""

    def __init__(self, values: list[tuple[Any, Any]], output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.key: Any = F("pk")
        self.values = values

    def get_source_expressions(self) -> list[Any]:
        return [self.key]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.key,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        key_sql, key_params = compiler.compile(self.key)
        key, value = Instalment._meta.pk, self.output_field
        params = list(key_params)
        for pk, chosen in self.values:
            params += [
                key.get_db_prep_value(pk, connection),
                value.get_db_prep_value(chosen, connection),
            ]
        return f"CASE {key_sql} {' '.join(['WHEN %s THEN %s'] * len(self.values))} END", params


def _only_keys(batch: list[Instalment]) -> QuerySet[Instalment]:
    """`batch` to update: its audit events read only each instalment's organisation, so only
    the keys leading to it are read again."""
    return (
        Instalment.objects.filter(pk__in=[i.pk for i in batch])
        .select_related("award__award_scheme")
        .only("pk", "award", "award__award_scheme", "award__award_scheme__organisation")
    )


def _enter_due(paying: list[Instalment], *, now: Any, person: Any) -> None:
    """Mark `paying` due, each with its own ledger entry: one UPDATE a batch, whose CASE picks
    only the entry (the rest is the same for all). Audited as every update is."""
    ledger_entry = Instalment._meta.get_field("ledger_entry")
    for batch in _batches(paying):
        _only_keys(batch).update(
            ledger_entry=_EachOwn([(i.pk, i.ledger_entry_id) for i in batch], ledger_entry),
            status=InstalmentStatus.DUE,
            status_changed_at=now,
            status_changed_by=person,
        )


def _hold(to_hold: list[Instalment], *, now: Any, person: Any) -> None:
    """Hold `to_hold`, each saying why: one UPDATE a batch. The reasons are few (a status and the
    day it began), so the CASE has a branch per reason, naming its instalments, not one per
    instalment."""
    for batch in _batches(to_hold):
        by_reason: dict[str, list[Any]] = defaultdict(list)
        for instalment in batch:
            by_reason[instalment.held_reason].append(instalment.pk)
        reasons = list(by_reason.items())
        held_reason: Any = (
            Value(reasons[0][0])
            if len(reasons) == 1
            else Case(*[When(pk__in=pks, then=Value(reason)) for reason, pks in reasons])
        )
        _only_keys(batch).update(
            status=InstalmentStatus.HELD,
            held_reason=held_reason,
            status_changed_at=now,
            status_changed_by=person,
        )


def instalments_held_tell(*, ids: Iterable[Any], held_at: Any) -> int:
    """Tell each student whose instalment among `ids` an instalment run held at `held_at`, and
    is held still, why, and that it is paid if they return: once for each instalment (one
    released since, or held again by a later run, is not told of here). Nothing goes to a
    student who asked not to be contacted about an award for care-experienced or estranged
    students. Returns how many messages were sent."""
    held = list(
        Instalment.objects.filter(
            pk__in=list(ids), status=InstalmentStatus.HELD, status_changed_at=held_at
        )
        .select_related("award__award_scheme__scheme", "award__student__user")
        .order_by("award__student_id", "due_on", "number")
    )
    told = 0
    for instalment in _may_be_told(held):
        told += _tell_held(instalment)
    return told


def _tell_held(instalment: Instalment) -> bool:
    """A student whose instalment is held is told why, and that it is paid if they return."""
    award = instalment.award
    student = award.student
    if student.user_id is None:
        return False
    notify(
        template="support/instalment_held",
        category=Category.UPDATES,
        user=student.user,
        context={
            "student_name": student.display_name,
            "award": award.award_scheme.name,
            "amount": pounds(instalment.amount_pence),
            "due_on": _uk(instalment.due_on),
            "reason": instalment.held_reason,
        },
        link=reverse("support:my_awards"),
    )
    return True


def instalments_cancel(instalments: QuerySet[Instalment], *, actor: Any, reason: str) -> int:
    """Cancel the scheduled and held instalments of `instalments` (an award declined or
    stopped): never paid. Returns how many."""
    by_state: dict[str, list[Any]] = defaultdict(list)
    for pk, status in instalments.filter(
        status__in=[InstalmentStatus.SCHEDULED, InstalmentStatus.HELD]
    ).values_list("pk", "status"):
        by_state[status].append(pk)
    ids = [pk for pks in by_state.values() for pk in pks]
    if not ids:
        return 0
    Instalment.objects.filter(pk__in=ids).update(
        status=InstalmentStatus.CANCELLED,
        status_changed_at=timezone.now(),
        status_changed_by=actor if getattr(actor, "pk", None) else None,
    )
    for state, pks in by_state.items():
        _history(
            INSTALMENT_WORKFLOW,
            Instalment,
            pks,
            transition="cancel",
            from_state=state,
            actor=actor,
            reason=reason,
        )
    return len(ids)


def instalments_paid_by_run(run: PaymentRun) -> int:
    """Mark paid, on the run's date, every due instalment whose ledger entry `run` pays; an
    accepted award with nothing left to pay is then paid in full. In bulk, whatever the run's
    size; when it marked any, the students are told in the background once it commits.
    Marking the run again marks nothing and tells nobody. Returns how many instalments."""
    ids = list(
        Instalment.objects.filter(
            status=InstalmentStatus.DUE, ledger_entry__run_item__run=run
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    actor = run.marked_paid_by or system_actor(f"payment run {run.number} paid")
    Instalment.objects.filter(pk__in=ids).select_related("award__award_scheme").update(
        status=InstalmentStatus.PAID,
        paid_on=run.paid_on,
        status_changed_at=timezone.now(),
        status_changed_by=run.marked_paid_by,
    )
    _history(
        INSTALMENT_WORKFLOW,
        Instalment,
        ids,
        transition="mark_paid",
        from_state=InstalmentStatus.DUE,
        actor=actor,
        reason=f"Paid in payment run {run.number}",
    )
    unpaid = Instalment.objects.filter(award=OuterRef("pk")).exclude(
        status__in=[InstalmentStatus.PAID, InstalmentStatus.CANCELLED]
    )
    finished = list(
        Award.objects.filter(status=AwardStatus.ACCEPTED, instalments__pk__in=ids)
        .exclude(Exists(unpaid))
        .values_list("pk", flat=True)
        .distinct()
    )
    if finished:
        Award.objects.filter(pk__in=finished).update(
            status=AwardStatus.COMPLETED,
            status_changed_at=timezone.now(),
            status_changed_by=run.marked_paid_by,
        )
        _history(
            AWARD_WORKFLOW,
            Award,
            finished,
            transition="complete",
            from_state=AwardStatus.ACCEPTED,
            actor=actor,
            reason=f"Paid in full by payment run {run.number}",
        )
    from widen.support.tasks import instalments_paid_tell_queue  # noqa: PLC0415

    instalments_paid_tell_queue(run)
    return len(ids)


def _may_be_told(instalments: list[Instalment]) -> list[Instalment]:
    """The instalments whose students may be told about them: nothing about an award for
    care-experienced or estranged students goes to a student who asked not to be contacted about
    it (they see it on their own pages). A few queries, whatever the number of instalments."""
    quiet = set(
        SupportRecord.objects.filter(
            student_id__in={i.award.student_id for i in instalments}, do_not_contact=True
        ).values_list("student_id", flat=True)
    )
    about_care: dict[Any, bool] = {}

    def may_tell(instalment: Instalment) -> bool:
        if instalment.award.student_id not in quiet:
            return True
        award_scheme = instalment.award.award_scheme
        if award_scheme.pk not in about_care:
            about_care[award_scheme.pk] = scheme_is_about_care(award_scheme.scheme)
        return not about_care[award_scheme.pk]

    return [instalment for instalment in instalments if may_tell(instalment)]


def instalments_paid_tell(*, run: PaymentRun) -> int:
    """Tell each student whose instalments `run` paid: which, how much and on what day (no one
    else's in their message). Returns how many were told."""
    instalments = list(
        Instalment.objects.filter(status=InstalmentStatus.PAID, ledger_entry__run_item__run=run)
        .select_related("award__award_scheme", "award__student__user")
        .order_by("award__student_id", "due_on")
    )
    by_student: dict[Any, list[Instalment]] = defaultdict(list)
    for instalment in instalments:
        by_student[instalment.award.student_id].append(instalment)
    paid_on = run.paid_on or timezone.localdate()
    told = 0
    for all_paid in by_student.values():
        own = _may_be_told(all_paid)
        if not own:
            continue
        student = own[0].award.student
        if student.user_id is None:
            continue
        notify(
            template="support/instalments_paid",
            category=Category.UPDATES,
            user=student.user,
            context={
                "student_name": student.display_name,
                "instalments": [
                    {
                        "award": i.award.award_scheme.name,
                        "number": i.number,
                        "amount": pounds(i.amount_pence),
                    }
                    for i in own
                ],
                "total": pounds(sum(i.amount_pence for i in own)),
                "paid_on": f"{paid_on:%A} {_uk(paid_on)}",
                "reference": run.reference,
            },
            link=reverse("support:my_awards"),
        )
        told += 1
    return told
