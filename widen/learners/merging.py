"""Merging two records of the same young person into one.

Every record that points at the learner being removed is moved onto the kept learner, by a rule
chosen for its table: `MERGE_RULES`, keyed "app_label.ModelName.field". The relations are found
through `Learner._meta` rather than imported, because `learners` may not import the apps above
it (activities, programmes, targeting). A relation without a rule stops the merge (and
`widen/learners/tests/test_merge_rules.py` fails first), so nobody can add a reference to
learners without deciding what a merge does with it.

The merge is one transaction: everything moves, or nothing does. The audit log records who
merged which two learners and when (an audit event on each), besides the change to every row
moved and the removal of the merged record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import ForeignObjectRel, Q

from widen.accounts.models import User
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.hooks import learners_merged
from widen.learners.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    DuplicateCandidate,
    DuplicateStatus,
    ImportRun,
    ImportStatus,
    Learner,
)
from widen.learners.signals import learners_changed

Handler = Callable[[type[models.Model], str, Learner, Learner], int]


@dataclass(frozen=True)
class MergeRule:
    """What a merge does with one table's rows that point at the learner being removed."""

    handler: Handler
    explanation: str
    # Rules a table shares (the two learner columns of a duplicate pair) run once.
    once_per_model: bool = field(default=False)


def relation_key(relation: ForeignObjectRel) -> str:
    model = relation.related_model
    assert isinstance(model, type)
    return f"{model._meta.label}.{relation.field.name}"


def relations_to_learner() -> list[ForeignObjectRel]:
    """Every foreign key and one-to-one field, in any installed app, that points at Learner
    (including those with no reverse accessor, `related_name="+"`)."""
    return [
        item
        for item in Learner._meta.get_fields(include_hidden=True)
        if isinstance(item, ForeignObjectRel) and not item.many_to_many
    ]


# --- The ways rows move ------------------------------------------------------------------------


def move(model: type[models.Model], field_name: str, kept: Learner, removed: Learner) -> int:
    """Point every row at the kept learner (each change audited by the model's manager)."""
    return model._default_manager.filter(**{field_name: removed}).update(**{field_name: kept})


def recompute(model: type[models.Model], field_name: str, kept: Learner, removed: Learner) -> int:
    """Rows worked out from the learner (area profile, rule set results): the removed learner's
    go with them; the kept learner's are worked out again once the merge commits."""
    return 0


def one_per_session_attended_wins(
    model: type[models.Model], field_name: str, kept: Learner, removed: Learner
) -> int:
    """A register has one row per session and learner. Where both records were on the same
    register, one row stays, the kept learner's, marked attended if either was."""
    manager = model._default_manager
    kept_rows = manager.filter(**{field_name: kept})
    removed_rows = manager.filter(**{field_name: removed})
    shared = set(kept_rows.values_list("session_id", flat=True)) & set(
        removed_rows.values_list("session_id", flat=True)
    )
    if shared:
        attended_sessions = list(
            removed_rows.filter(session_id__in=shared, status="attended").values_list(
                "session_id", flat=True
            )
        )
        for row in removed_rows.filter(session_id__in=attended_sessions):
            kept_rows.filter(session_id=row.session_id).exclude(status="attended").update(  # type: ignore[attr-defined]
                status="attended",
                marked_by=row.marked_by_id,  # type: ignore[attr-defined]
            )
        removed_rows.filter(session_id__in=shared).delete()
    return move(model, field_name, kept, removed) + len(shared)


def one_open_enrolment_per_programme(
    model: type[models.Model], field_name: str, kept: Learner, removed: Learner
) -> int:
    """A learner is enrolled on a programme once at a time. Where both records are enrolled on
    the same programme now, the kept learner's enrolment stays, dated from the earlier joining;
    enrolments that have ended all move (they are the learner's history)."""
    manager = model._default_manager
    open_kept = manager.filter(**{field_name: kept, "left_on": None})
    open_removed = manager.filter(**{field_name: removed, "left_on": None})
    both = set(open_kept.values_list("programme_id", flat=True)) & set(
        open_removed.values_list("programme_id", flat=True)
    )
    for row in open_removed.filter(programme_id__in=both):
        open_kept.filter(programme_id=row.programme_id, joined_on__gt=row.joined_on).update(  # type: ignore[attr-defined]
            joined_on=row.joined_on  # type: ignore[attr-defined]
        )
    if both:
        open_removed.filter(programme_id__in=both).delete()
    return move(model, field_name, kept, removed) + len(both)


def duplicate_pairs(
    model: type[models.Model], field_name: str, kept: Learner, removed: Learner
) -> int:
    """Pairs waiting for a decision that involve the removed record are dropped (the next search
    compares the kept learner afresh). A pair judged "not the same learner" is carried over to
    the kept learner, so it is not proposed again. Decided pairs keep their history by key."""
    involving = Q(learner_one=removed) | Q(learner_two=removed)
    candidates = DuplicateCandidate.objects.filter(involving)
    dropped, _ = candidates.filter(status=DuplicateStatus.PENDING).delete()
    carried = 0
    for pair in candidates.filter(status=DuplicateStatus.REJECTED):
        other = pair.learner_two if pair.learner_one_id == removed.pk else pair.learner_one
        if other is None or other.pk == kept.pk:
            continue
        first, second = sorted((kept, other), key=lambda learner: str(learner.pk))
        exists = DuplicateCandidate.objects.filter(
            partnership_id=pair.partnership_id,
            learner_one_key=first.pk,
            learner_two_key=second.pk,
        ).exists()
        if exists:
            continue
        DuplicateCandidate.objects.create(
            partnership_id=pair.partnership_id,
            learner_one=first,
            learner_two=second,
            learner_one_key=first.pk,
            learner_two_key=second.pk,
            match_probability=pair.match_probability,
            reasons=pair.reasons,
            status=DuplicateStatus.REJECTED,
            decided_by_id=pair.decided_by_id,
            decided_at=pair.decided_at,
        )
        carried += 1
    return dropped + carried


MERGE_RULES: dict[str, MergeRule] = {
    "learners.ParentCarer.learner": MergeRule(move, "parents and carers move"),
    "learners.ConsentRecord.learner": MergeRule(move, "consent records move (all are kept)"),
    "learners.DuplicateCandidate.learner_one": MergeRule(
        duplicate_pairs, "pending pairs dropped, rejections carried over", once_per_model=True
    ),
    "learners.DuplicateCandidate.learner_two": MergeRule(
        duplicate_pairs, "pending pairs dropped, rejections carried over", once_per_model=True
    ),
    "targeting.LearnerAreaProfile.learner": MergeRule(
        recompute, "dropped with the removed record; the kept learner's is worked out again"
    ),
    "targeting.LearnerEligibility.learner": MergeRule(
        recompute, "dropped with the removed record; the kept learner's are worked out again"
    ),
    "programmes.Enrolment.learner": MergeRule(
        one_open_enrolment_per_programme, "move; one open enrolment per programme"
    ),
    "activities.Attendance.learner": MergeRule(
        one_per_session_attended_wins, "move; one row per session, attended wins"
    ),
    # A higher app adds the rules for its own tables when it is ready (the reporting summaries:
    # `ReportingConfig.ready`), since this module may not import it.
}


def unruled_relations(rules: dict[str, MergeRule] | None = None) -> list[str]:
    """Relations to Learner that `rules` does not decide (empty when every one has a rule)."""
    rules = MERGE_RULES if rules is None else rules
    return sorted(
        key for key in (relation_key(item) for item in relations_to_learner()) if key not in rules
    )


def import_links(kept: Learner, removed: Learner) -> int:
    """An import that created or changed the removed record now names the kept learner instead,
    as every other record does: rolling it back then finds the kept learner changed since (by
    the merge) and refuses, rather than silently doing nothing. Not a foreign key, so not in
    `MERGE_RULES`: imports keep what they did as a list of learner ids."""
    old, new = str(removed.pk), str(kept.pk)
    rewritten = 0
    runs = ImportRun.objects.select_for_update().filter(
        status=ImportStatus.COMMITTED, changes__icontains=old
    )
    for run in runs:
        created = [new if key == old else key for key in run.changes.get("created", [])]
        updated = dict(run.changes.get("updated", {}))
        if old in updated:
            updated.setdefault(new, updated.pop(old))
        run.changes = {**run.changes, "created": list(dict.fromkeys(created)), "updated": updated}
        run.save(update_fields=["changes", "updated_at"])
        rewritten += 1
    return rewritten


# --- The merge ---------------------------------------------------------------------------------

MERGED_FIELDS = (*IDENTITY_FIELDS, *CHARACTERISTIC_FIELDS, *SPECIAL_CATEGORY_FIELDS, "school")


@dataclass(frozen=True)
class MergeResult:
    kept: Learner
    removed_id: Any
    rows_moved: dict[str, int]
    fields_filled: tuple[str, ...]


def _fill_blanks(kept: Learner, removed: Learner) -> list[str]:
    """Facts the kept record lacks and the removed one has (a UPN, a postcode, a school)."""
    filled: list[str] = []
    for name in MERGED_FIELDS:
        model_field = Learner._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        attname = model_field.attname
        ours, theirs = getattr(kept, attname), getattr(removed, attname)
        if ours in (None, "") and theirs not in (None, ""):
            if name == "upn" and (
                Learner.objects.filter(organisation_id=kept.organisation_id, upn=theirs)
                .exclude(pk=removed.pk)
                .exists()
            ):
                continue  # another of the kept organisation's learners has it
            setattr(kept, attname, theirs)
            filled.append(name)
    return filled


@transaction.atomic
def learner_merge(
    *,
    kept: Learner,
    removed: Learner,
    acting_user: User | None,
    rules: dict[str, MergeRule] | None = None,
) -> MergeResult:
    """Move everything recorded about `removed` onto `kept`, then remove `removed`."""
    rules = MERGE_RULES if rules is None else rules
    if kept.pk == removed.pk:
        raise ApplicationError("A learner cannot be merged with themselves.")
    locked = {
        learner.pk: learner
        for learner in Learner.objects.select_for_update().filter(pk__in=[kept.pk, removed.pk])
    }
    if len(locked) != 2:  # noqa: PLR2004
        raise ApplicationError("One of these learners no longer exists.")
    kept, removed = locked[kept.pk], locked[removed.pk]
    missing = unruled_relations(rules)
    if missing:
        raise ImproperlyConfigured(
            "No merge rule says what happens to " + ", ".join(missing) + " (see MERGE_RULES)."
        )
    moved: dict[str, int] = {}
    done: set[type[models.Model]] = set()
    with request_context.bind(actor=acting_user):
        for relation in relations_to_learner():
            key = relation_key(relation)
            rule = rules[key]
            model = relation.related_model
            assert isinstance(model, type)
            if rule.once_per_model and model in done:
                continue
            done.add(model)
            moved[key] = rule.handler(model, relation.field.name, kept, removed)
        moved["learners.ImportRun.changes"] = import_links(kept, removed)
        filled = _fill_blanks(kept, removed)
        # A UPN taken from a record of the same organisation waits until that record is gone
        # (one UPN per organisation).
        deferred_upn = ""
        if "upn" in filled and kept.organisation_id == removed.organisation_id:
            deferred_upn, kept.upn = kept.upn, ""
        kept.full_clean()
        kept.save()
        # Anything else a higher app keeps about both learners is worked out again (the kept
        # learner with the facts just filled in) while the removed record still exists.
        learners_merged(kept.pk, removed.pk)
        removed_id, removed_organisation_id = removed.pk, removed.organisation_id
        removed.delete()
        if deferred_upn:
            kept.upn = deferred_upn
            kept.full_clean()
            kept.save(update_fields=["upn", "updated_at"])
        audit_event_record(
            action=AuditAction.MERGE,
            object_type=Learner._meta.label_lower,
            object_id=kept.pk,
            learner_id=kept.pk,
            organisation_id=kept.organisation_id,
            changed_fields=[f"merged_from:{removed_id}", *filled],
        )
        audit_event_record(
            action=AuditAction.MERGE,
            object_type=Learner._meta.label_lower,
            object_id=removed_id,
            learner_id=removed_id,
            organisation_id=removed_organisation_id,
            changed_fields=[f"merged_into:{kept.pk}"],
        )
    learners_changed.send(sender=Learner, learner_ids=[kept.pk])
    return MergeResult(kept, removed_id, moved, tuple(filled))
