"""Apply every retention rule in the register of personal data (`widen retention run`, daily).

Each rule narrows its model to the rows past their period that it has not dealt with yet, then
deletes or anonymises them; run twice, the second run changes nothing. The report says, rule by
rule, what was done.

A learner record past its period is not only anonymised itself: everything that is that learner's
(their parents' and carers' details, bookings, survey invitations and written answers, where they
live) gets what erasure does to it, as if they had asked, leaving a tombstone for each row. A
student record linked to it is not the partnership's but the HE provider's, kept for its own
period: the link goes (the learner's side of it), and the student's record and work stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.audit.registry import Action, PersonalData, Retention, register
from widen.audit.retention import append_only_rows_delete, is_append_only
from widen.rights.erasing import anonymise_rows, person_erase
from widen.rights.people import Person
from widen.students.models import Student


@dataclass(frozen=True)
class RetentionDone:
    model: str
    rule: str
    action: str
    rows: int


def retention_run(*, today: date | None = None) -> list[RetentionDone]:
    """Apply every rule as of `today` (Widen's own work: no person asks for it)."""
    today = today or timezone.localdate()
    done: list[RetentionDone] = []
    for entry in register:
        for rule in entry.rules:
            with transaction.atomic():
                if rule.carried_out_by is not None:
                    count = rule.carried_out_by(today)
                else:
                    assert rule.past_period is not None
                    due = rule.past_period(entry.model._default_manager.all(), today)
                    if _ends_the_person(entry, rule):
                        count = _people_erase(due)
                    else:
                        count = _apply(rule, due, anonymised=entry.anonymised)
            done.append(RetentionDone(entry.label, rule.description, str(rule.action), count))
    return done


def _apply(rule: Retention, due: Any, *, anonymised: Any) -> int:
    if rule.action is Action.DELETE and is_append_only(due.model):
        return append_only_rows_delete(due, why=rule.description)
    if rule.action is Action.DELETE:
        ids = list(due.values_list("pk", flat=True))
        if ids:
            due.model._default_manager.filter(pk__in=ids).delete()
        return len(ids)
    return len(anonymise_rows(due, rule.anonymised or anonymised))


def _ends_the_person(entry: PersonalData, rule: Retention) -> bool:
    """A rule that anonymises learner records the way erasure does ends what is held about them."""
    return (
        entry.label == "learners.learner"
        and rule.action is Action.ANONYMISE
        and not rule.anonymised
    )


def _people_erase(due: Any) -> int:
    ids = tuple(due.values_list("pk", flat=True))
    if ids:
        Student.objects.filter(linked_learner_id__in=ids).update(linked_learner=None)
        person_erase(person=Person(learner_ids=ids), request=None, actor=None)
    return len(ids)
