"""Duplicate learners: who may find and review them, the search, and the decisions.

* **Finding** (`duplicates_find`): compares the learners the person sees by name within one
  partnership (`learner_policy`), read in one query into Polars, with `probable_duplicates`
  (Splink). New pairs are stored as waiting for a decision; a pair already decided is never
  proposed again.
* **Reviewing**: a pair is shown only to a partnership or organisation admin of every
  organisation holding one of its two records, who sees both by name. Anyone else gets the same
  answer as for a pair that does not exist.
* **Deciding**: "the same learner" merges the two records (`merging.learner_merge`); "not the
  same learner" is remembered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from widen.accounts.models import User
from widen.audit.models import AuditAction
from widen.audit.services import LearnerView, access_log_record_views, audit_event_record
from widen.core.bulk import read_frame
from widen.core.downloads import Column, csv_bytes
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.duplicates.finding import (
    DEFAULT_THRESHOLD,
    FIELDS,
    PAIR_KINDS,
    probable_duplicates,
)
from widen.learners.merging import MergeResult, learner_merge
from widen.learners.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Learner,
    processable_condition,
)
from widen.learners.permissions import (
    DECIDE,
    duplicate_pair_policy,
    duplicate_search_policy,
    learner_policy,
)
from widen.learners.services import validation_messages
from widen.organisations.models import DataCategory, Partnership

FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "postcode": "Home postcode",
    "school_id": "School",
    "upn": "UPN",
}


# --- Reads (who may see and decide which pair: the learners policy) ----------------------------


def partnerships_to_search(actor: Any) -> QuerySet[Partnership]:
    """Partnerships with a member organisation in which `actor` reviews duplicates."""
    return duplicate_search_policy.visible_to(actor)


def duplicate_pair_list(*, actor: User, status: str = DuplicateStatus.PENDING) -> QuerySet[Any]:
    """Pairs `actor` may decide: both records held by organisations they administer, and both
    seen by name."""
    pairs = duplicate_pair_policy.visible_to(actor).filter(status=status)
    if status == DuplicateStatus.PENDING:
        # A pair with a restricted or anonymised learner waits until that is lifted.
        pairs = pairs.filter(
            processable_condition("learner_one"), processable_condition("learner_two")
        )
    return pairs.order_by("-match_probability", "created_at", "id")


def duplicate_pair_get(*, actor: User, pair_id: Any) -> DuplicateCandidate:
    """A pair waiting for `actor`'s decision. Malformed, missing, decided and not-yours answer
    the same (`NotFound`)."""
    return duplicate_pair_policy.get(actor, pair_id, action=DECIDE)


def both_records(pair: DuplicateCandidate) -> tuple[Learner, Learner]:
    """The pair's two learners (a pending pair always has both: merging drops its pairs)."""
    if pair.learner_one is None or pair.learner_two is None:
        raise NotFound
    return pair.learner_one, pair.learner_two


@dataclass(frozen=True)
class FieldComparison:
    field: str
    label: str
    first: str
    second: str
    agreement: str


def pair_comparison(pair: DuplicateCandidate) -> list[FieldComparison]:
    """The pair side by side, field by field, with what the search found about each field."""
    one, two = both_records(pair)

    def value(learner: Learner, name: str) -> str:
        if name == "school_id":
            return learner.school.name if learner.school else ""
        if name == "postcode":
            return learner.home_postcode or ""
        if name == "date_of_birth":
            born = learner.date_of_birth
            return f"{born.day} {born:%B %Y}"
        return str(getattr(learner, name) or "")

    rows = [
        FieldComparison(
            name,
            FIELD_LABELS[name],
            value(one, name),
            value(two, name),
            str(pair.reasons.get(name, "")),
        )
        for name in FIELDS
    ]
    rows.append(
        FieldComparison(
            "organisation",
            "Recorded by",
            one.organisation.name,
            two.organisation.name,
            "same" if one.organisation_id == two.organisation_id else "different",
        )
    )
    return rows


# --- Exporting ---------------------------------------------------------------------------------

EXPORT_HEADER = (
    "Pair",
    "Match probability",
    "Kind",
    "What agrees and differs",
    "Learner one id",
    "Learner one reference",
    "Learner one name",
    "Learner one held by",
    "Learner two id",
    "Learner two reference",
    "Learner two name",
    "Learner two held by",
)


def _agreement_in_words(reasons: dict[str, Any]) -> str:
    return "; ".join(
        f"{FIELD_LABELS[name].lower()}: {reasons[name]}" for name in FIELDS if name in reasons
    )


@dataclass
class PairsTable:
    """The pairs waiting for a decision as a table, and what the access log records of them."""

    columns: list[Column]
    rows: list[list[object]]
    views: list[LearnerView]


def duplicate_pairs_table(*, actor: User, partnership: Partnership | None = None) -> PairsTable:
    """The pairs waiting for `actor`'s decision (in `partnership`, or all): both learners' ids,
    references and names (every pair listed is one `actor` sees by name, see
    `duplicate_pair_list`), the match probability and what agrees and differs."""
    pairs = duplicate_pair_list(actor=actor)
    if partnership is not None:
        pairs = pairs.filter(partnership=partnership)
    rows: list[list[object]] = []
    seen: dict[UUID, Learner] = {}
    for pair in pairs.iterator(chunk_size=1_000):
        one, two = both_records(pair)
        seen[one.pk], seen[two.pk] = one, two
        rows.append(
            [
                str(pair.pk),
                round(pair.match_probability, 4),
                PAIR_KINDS.get(str(pair.reasons.get("kind", "")), ""),
                _agreement_in_words(pair.reasons),
                *(
                    value
                    for learner in (one, two)
                    for value in (
                        str(learner.pk),
                        learner.reference,
                        f"{learner.first_name} {learner.last_name}",
                        learner.organisation.name,
                    )
                ),
            ]
        )
    return PairsTable(
        columns=[Column(heading, identity=heading.endswith(" name")) for heading in EXPORT_HEADER],
        rows=rows,
        views=[
            LearnerView(
                learner_id=learner.pk,
                data_categories=[DataCategory.IDENTITY],
                actor_organisation_id=learner.organisation_id,
                data_sharing_agreement_id=None,
            )
            for learner in seen.values()
        ],
    )


def duplicate_pairs_log(*, actor: User, table: PairsTable, purpose: str) -> int:
    """Every learner in `table` written to the access log, in one insert."""
    return access_log_record_views(actor=actor, views=table.views, purpose=purpose)


def duplicate_pairs_export(
    *, actor: User, partnership: Partnership | None = None, purpose: str
) -> bytes:
    """`duplicate_pairs_table` as CSV bytes (for the command line), access-logged: the same
    file the pages and the API download."""
    table = duplicate_pairs_table(actor=actor, partnership=partnership)
    duplicate_pairs_log(actor=actor, table=table, purpose=purpose)
    # A reviewer sees every learner of the pairs listed by name (`duplicate_pair_list`).
    return csv_bytes(table.columns, table.rows, identities=True)


# --- Finding -----------------------------------------------------------------------------------


def _population(actor: User, partnership: Partnership) -> QuerySet[Learner]:
    """Restricted and anonymised learners are never compared (nor proposed as a pair)."""
    return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).filter(
        processable_condition(), organisation__in=partnership.members.all()
    )


def duplicate_population_size(*, actor: User, partnership: Partnership) -> int:
    """How many learners a search by `actor` in `partnership` compares."""
    return _population(actor, partnership).count()


def duplicate_population(*, actor: User, partnership: Partnership) -> pl.DataFrame:
    """The learners `actor` sees by name in `partnership`, one query, as a Polars frame."""
    learners = _population(actor, partnership)
    columns = (
        "id",
        "first_name",
        "last_name",
        "date_of_birth",
        "home_postcode",
        "school_id",
        "upn",
    )
    schema = {
        "learner_id": pl.String,
        "first_name": pl.String,
        "last_name": pl.String,
        "date_of_birth": pl.Date,
        "postcode": pl.String,
        "school_id": pl.String,
        "upn": pl.String,
    }
    sql, params = learners.order_by().values_list(*columns).query.sql_with_params()
    frame = read_frame(sql, params, schema)
    if frame is None:  # SQLite: the cursor's rows in batches, straight into Polars
        chunks = [pl.DataFrame(schema=schema)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(50_000):
                chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
        frame = pl.concat(chunks)
    return frame.with_columns(_canonical_uuid("learner_id"), _canonical_uuid("school_id"))


def _canonical_uuid(column: str) -> pl.Expr:
    """A UUID as `str(uuid)` writes it, whether the database gave 32 hex digits or 36."""
    digits = pl.col(column).cast(pl.String).str.replace_all("-", "").str.to_lowercase()
    return pl.concat_str(
        [
            digits.str.slice(0, 8),
            digits.str.slice(8, 4),
            digits.str.slice(12, 4),
            digits.str.slice(16, 4),
            digits.str.slice(20, 12),
        ],
        separator="-",
    ).alias(column)


@dataclass(frozen=True)
class FindSummary:
    partnership: Partnership
    learners_compared: int
    pairs_found: int
    pairs_new: int
    pairs_already_decided: int
    twins_set_aside: int
    # How many pairs of each kind (`PAIR_KINDS`) were found.
    kinds: dict[str, int]


def duplicates_find(
    *, actor: User, partnership: Partnership, threshold: float = DEFAULT_THRESHOLD
) -> FindSummary:
    """Search `partnership` for learners recorded twice, as `actor` sees it, and store the pairs.

    A pair found again keeps its decision: pending pairs get the new probability and reasons,
    decided ones are left alone (a rejected pair is never proposed again). Pending pairs of
    these learners the search no longer finds (a record was corrected) are dropped.
    """
    if partnership not in partnerships_to_search(actor):
        raise ApplicationError("Only partnership and organisation admins look for duplicates.")
    population = duplicate_population(actor=actor, partnership=partnership)
    search = probable_duplicates(population, threshold=threshold)
    found = {
        (UUID(row["learner_one"]), UUID(row["learner_two"])): row
        for row in search.pairs.iter_rows(named=True)
    }
    # The scoring above holds no transaction open; storing the pairs is one.
    with transaction.atomic():
        new, decided = _pairs_store(partnership, found, set(population["learner_id"].to_list()))
    return FindSummary(
        partnership=partnership,
        learners_compared=search.learners_compared,
        pairs_found=len(found),
        pairs_new=new,
        pairs_already_decided=decided,
        twins_set_aside=search.twins_set_aside,
        kinds=search.kinds(),
    )


def _pairs_store(
    partnership: Partnership, found: dict[tuple[UUID, UUID], dict[str, Any]], compared: set[str]
) -> tuple[int, int]:
    """New pairs waiting, pending ones refreshed, stale ones dropped: (new, already decided)."""
    existing = {
        (pair.learner_one_key, pair.learner_two_key): pair
        for pair in DuplicateCandidate.objects.filter(partnership=partnership)
    }
    new: list[DuplicateCandidate] = []
    refreshed: list[DuplicateCandidate] = []
    decided = 0
    for key, row in found.items():
        reasons = {name: row[name] for name in FIELDS} | {"kind": row["kind"]}
        pair = existing.get(key)
        if pair is None:
            new.append(
                DuplicateCandidate(
                    partnership=partnership,
                    learner_one_id=key[0],
                    learner_two_id=key[1],
                    learner_one_key=key[0],
                    learner_two_key=key[1],
                    match_probability=row["match_probability"],
                    reasons=reasons,
                )
            )
        elif pair.status == DuplicateStatus.PENDING:
            pair.match_probability = row["match_probability"]
            pair.reasons = reasons
            refreshed.append(pair)
        else:
            decided += 1
    stale = [
        pair.pk
        for key, pair in existing.items()
        if pair.status == DuplicateStatus.PENDING
        and key not in found
        and str(key[0]) in compared
        and str(key[1]) in compared
    ]
    DuplicateCandidate.objects.filter(pk__in=stale).delete()
    DuplicateCandidate.objects.bulk_create(new, batch_size=1_000)
    DuplicateCandidate.objects.bulk_update(
        refreshed, ["match_probability", "reasons", "updated_at"], batch_size=1_000
    )
    return len(new), decided


# --- Deciding ----------------------------------------------------------------------------------


def _decide(pair: DuplicateCandidate, status: str, actor: User) -> None:
    pair.status = status
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.full_clean()
    pair.save(
        update_fields=["status", "decided_by", "decided_at", "kept_learner_key", "updated_at"]
    )


@transaction.atomic
def duplicate_pair_reject(*, actor: User, pair_id: UUID) -> DuplicateCandidate:
    """Not the same learner: remembered, never proposed again."""
    pair = duplicate_pair_get(actor=actor, pair_id=pair_id)
    _decide(pair, DuplicateStatus.REJECTED, actor)
    for learner in both_records(pair):
        audit_event_record(
            action=AuditAction.UPDATE,
            object_type=DuplicateCandidate._meta.label_lower,
            object_id=pair.pk,
            learner_id=learner.pk,
            organisation_id=learner.organisation_id,
            changed_fields=["status:rejected"],
        )
    return pair


@transaction.atomic
def duplicate_pair_merge(*, actor: User, pair_id: Any, keep: Any = None) -> MergeResult:
    """The same learner: merge the two records into the one chosen (`keep`, a learner's id;
    `suggested_keep` when none is given). A `keep` that is malformed or not a learner `actor`
    sees is `NotFound`, like the pair."""
    pair = duplicate_pair_get(actor=actor, pair_id=pair_id)
    one, two = both_records(pair)
    if not (one.processable and two.processable):
        raise ApplicationError(
            "Processing of one of these records is restricted: they cannot be merged until the "
            "restriction is lifted."
        )
    kept_id = learner_policy.get(actor, keep).pk if keep else suggested_keep(pair)
    if kept_id not in (one.pk, two.pk):
        raise ApplicationError("Choose one of the two records to keep.", field="keep")
    kept, removed = (one, two) if kept_id == one.pk else (two, one)
    pair.kept_learner_key = kept.pk
    _decide(pair, DuplicateStatus.CONFIRMED, actor)
    try:
        return learner_merge(kept=kept, removed=removed, acting_user=actor)
    except ValidationError as error:
        problems = "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in validation_messages(error).items()
        )
        raise ApplicationError(
            f"The merged learner would not be valid ({problems}): nothing was changed. "
            "Correct one of the records and try again."
        ) from error


def suggested_keep(pair: DuplicateCandidate) -> UUID:
    """The record to keep unless the admin chooses: the one with a UPN, else the older."""
    one, two = both_records(pair)
    if bool(one.upn) != bool(two.upn):
        return one.pk if one.upn else two.pk
    return one.pk if one.created_at <= two.created_at else two.pk
