"""The register of personal data: every model that holds personal data says here whose it is.

Each app declares its models in a `personal_data.py` module of its own (found when the apps are
ready, as Django finds `admin.py`): whose data a row is and how to reach that person, what kinds of
data it holds, the lawful basis, how long it is kept and what happens then, what a subject access
export shows of it and what erasure does to it. Subject access, erasure, restriction and
retention read this register and nothing else, so a new area gets them by declaring its models.

A tripwire test walks every model: one that holds personal data and is missing here fails it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils import timezone


class Subject(StrEnum):
    """How a person is found: as a learner record, as an account holder, or by the e-mail address
    (or the username) they are known by."""

    LEARNER = "learner"
    USER = "user"
    EMAIL = "email"
    # Only a name (a speaker on an event's agenda): found when the officer names the person.
    NAME = "name"


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact details"
    CHARACTERISTICS = "characteristics"
    SPECIAL_CATEGORY = "special category"
    FINANCIAL = "financial"
    PARTICIPATION = "participation"
    ACCOUNT = "account"


class LawfulBasis(StrEnum):
    PUBLIC_TASK = "public task (Art 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate interests (Art 6(1)(f))"
    CONSENT = "consent (Art 6(1)(a))"
    CONTRACT = "contract (Art 6(1)(b))"
    LEGAL_OBLIGATION = "legal obligation (Art 6(1)(c))"


class Erasure(StrEnum):
    """What erasing a person does to a row of theirs."""

    DELETE = "delete"
    ANONYMISE = "anonymise"
    # The row names the person only by an id that erasure makes meaningless (an account or a
    # learner record that is itself anonymised), or it is an append-only tombstone.
    KEEP = "keep"


class Action(StrEnum):
    """What retention does to a row past its period."""

    DELETE = "delete"
    ANONYMISE = "anonymise"


@dataclass(frozen=True)
class Retention:
    """How long a row is kept and what happens then.

    `past_period(queryset, today)` narrows `queryset` to the rows whose period has ended (and
    that retention has not already dealt with: running it twice changes nothing the second time).
    A rule its app already carries out itself (blanking bookings' adjustments once the event is
    over, which also closes the event to new ones) names that service as `carried_out_by(today)`,
    returning how many rows it changed.
    """

    description: str
    action: Action
    past_period: Callable[[models.QuerySet[Any], date], models.QuerySet[Any]] | None = None
    # Anonymising: the value each field takes, when it differs from what erasure does.
    anonymised: Mapping[str, Any] = field(default_factory=dict)
    carried_out_by: Callable[[date], int] | None = None

    def __post_init__(self) -> None:
        if (self.past_period is None) == (self.carried_out_by is None):
            raise ValueError(f"{self.description}: give past_period or carried_out_by, not both.")


@dataclass(frozen=True)
class KeptWhileParent:
    """A row kept exactly as long as the record it belongs to (deleted with it)."""

    description: str


@dataclass(frozen=True)
class PersonalData:
    """One model's entry in the register."""

    model: type[models.Model]
    # Whose data a row is: for each way of finding a person, the ORM path from this model to the
    # learner's id, the account's id, or the e-mail address ("pk" when the row is the person);
    # several paths where a row can name the person in several places.
    subjects: Mapping[Subject, str | tuple[str, ...]]
    categories: frozenset[Category]
    lawful_basis: LawfulBasis
    retention: Retention | KeptWhileParent
    erasure: Erasure
    # Further retention rules for parts of the row (special category details kept for less time).
    also: tuple[Retention, ...] = ()
    # Anonymising: the value each field takes (fields not named keep theirs).
    anonymised: Mapping[str, Any] = field(default_factory=dict)
    # Never shown in an export: secrets and digests that mean nothing to the person.
    not_exported: frozenset[str] = frozenset()
    # What the person would call these rows in an export ("Event bookings").
    title: str = ""
    # The path to the organisation that holds a row: a request to one organisation finds rows
    # by e-mail address or name only among that organisation's own (None: never by address).
    organisation_path: str | None = None
    # A JSON field naming learners by id (what an upload changed, kept to undo it): erasing one
    # of them clears such rows as retention would (`clears`), since undoing the upload would
    # otherwise put the erased details back.
    mentions_learners_in: str | None = None
    clears: Mapping[str, Any] = field(default_factory=dict)
    # Restricting processing of this kind of record is honoured by these processing paths.
    purpose: str = ""
    # Rows erasure leaves as they are although they are the person's, because the law asks for
    # them to be kept (UK GDPR Article 17(3)(b) and (e): a safeguarding concern about a child):
    # `held_from_erasure(rows)` narrows the person's rows to those held; `held_because` says why,
    # as the erasure report tells the data protection officer.
    held_from_erasure: Callable[[models.QuerySet[Any]], models.QuerySet[Any]] | None = None
    held_because: str = ""

    def __post_init__(self) -> None:
        if self.erasure is Erasure.ANONYMISE and not self.anonymised:
            raise ValueError(f"{self.label}: anonymising needs the value each field takes.")
        if (self.held_from_erasure is None) != (not self.held_because):
            raise ValueError(f"{self.label}: rows held from erasure say why they are held.")
        names = {model_field.name for model_field in self.model._meta.get_fields()}
        unknown = (set(self.anonymised) | set(self.not_exported)) - names
        if unknown:
            raise ValueError(f"{self.label}: no such fields {sorted(unknown)}.")

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def heading(self) -> str:
        return self.title or str(self.model._meta.verbose_name_plural).capitalize()

    def exported_fields(self) -> list[models.Field[Any, Any]]:
        return [
            model_field
            for model_field in self.model._meta.concrete_fields
            if model_field.name not in self.not_exported
        ]

    @property
    def rules(self) -> tuple[Retention, ...]:
        first = (self.retention,) if isinstance(self.retention, Retention) else ()
        return first + self.also

    def rows_of(
        self,
        *,
        learner_ids: list[Any],
        user_ids: list[Any],
        emails: list[str],
        names: list[str] | None = None,
        organisation_id: Any = None,
        account_emails: list[str] | None = None,
    ) -> models.QuerySet[Any]:
        """Every row of this model that is the data of the person so identified. With
        `organisation_id`, rows found by e-mail address or name are only that organisation's,
        except those found by the address or username of an account named in `user_ids`
        (`account_emails`): they are that account's wherever they are (its sign-in records)."""
        condition = models.Q(pk__in=[])
        wanted: dict[Subject, list[Any]] = {
            Subject.LEARNER: learner_ids,
            Subject.USER: user_ids,
            Subject.EMAIL: [email.strip() for email in emails if email.strip()],
            Subject.NAME: [name.strip() for name in names or [] if name.strip()],
        }
        for subject, paths in self.subjects.items():
            values = wanted[subject]
            for path in (paths,) if isinstance(paths, str) else paths:
                if subject is Subject.EMAIL:
                    for value in account_emails or []:
                        condition |= models.Q(**{f"{path}__iexact": value})
                if subject in (Subject.EMAIL, Subject.NAME):
                    if organisation_id is not None and self.organisation_path is None:
                        continue
                    held = (
                        models.Q(**{self.organisation_path: organisation_id})
                        if organisation_id is not None and self.organisation_path
                        else models.Q()
                    )
                    for value in values:
                        condition |= models.Q(**{f"{path}__iexact": value}) & held
                elif values:
                    condition |= models.Q(**{f"{path}__in": values})
        return self.model._default_manager.filter(condition)


# Fields whose name says they hold something about a person, wherever they appear.
PERSONAL_FIELD_NAMES = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "preferred_name",
        "email",
        "username",
        "phone",
        "date_of_birth",
        "home_postcode",
        "upn",
        "uln",
        "account_name",
        "account_number",
        "sort_code",
    }
)
# Relations that make a row somebody's data: to a learner record or to an account.
PERSON_MODELS = frozenset({"learners.learner", "accounts.user"})


def holds_personal_data(model: type[models.Model]) -> bool:
    for model_field in model._meta.concrete_fields:
        if model_field.name in PERSONAL_FIELD_NAMES:
            return True
        related = model_field.related_model
        if related is not None and related._meta.label_lower in PERSON_MODELS:  # type: ignore[union-attr]
            return True
    return model._meta.label_lower in PERSON_MODELS


class Register:
    def __init__(self) -> None:
        self._entries: dict[str, PersonalData] = {}
        # Models that look personal to `holds_personal_data` but are not, and why.
        self.exempt: dict[str, str] = {}

    def exempt_model(self, model: type[models.Model], reason: str) -> None:
        self.exempt[model._meta.label_lower] = reason

    def add(self, entry: PersonalData) -> PersonalData:
        if entry.label in self._entries:
            raise ValueError(f"{entry.label} is in the register twice.")
        self._entries[entry.label] = entry
        return entry

    def __iter__(self) -> Iterator[PersonalData]:
        return iter(sorted(self._entries.values(), key=lambda entry: entry.label))

    def __contains__(self, model: type[models.Model]) -> bool:
        return model._meta.label_lower in self._entries

    def get(self, model: type[models.Model]) -> PersonalData:
        return self._entries[model._meta.label_lower]

    def missing(self, candidates: list[type[models.Model]]) -> list[str]:
        """The models among `candidates` that hold personal data and are not declared."""
        return sorted(
            model._meta.label_lower
            for model in candidates
            if holds_personal_data(model)
            and model._meta.label_lower not in self._entries
            and model._meta.label_lower not in self.exempt
        )


register = Register()


def declare(**kwargs: Any) -> PersonalData:
    """Put one model in the register (called from an app's `personal_data.py`)."""
    return register.add(PersonalData(**kwargs))


def older_than(
    field_name: str, *, years: int = 0, days: int = 0
) -> Callable[[models.QuerySet[Any], date], models.QuerySet[Any]]:
    """Rows whose `field_name` (a date or time) is more than `years` and `days` before today:
    the usual shape of a retention rule."""
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    def past(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
        cutoff = today - relativedelta(years=years, days=days)
        lookup = f"{field_name}__date__lt" if _is_time(rows, field_name) else f"{field_name}__lt"
        return rows.filter(**{lookup: cutoff})

    return past


def as_of(today: date) -> datetime:
    """The moment a rule run as of `today` compares times with: now, or the start of `today`
    when retention is run as of another day."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time.min))


def _is_time(rows: models.QuerySet[Any], field_name: str) -> bool:
    return isinstance(rows.model._meta.get_field(field_name), models.DateTimeField)


KEPT_WITH_THE_LEARNER = KeptWhileParent(
    "as long as the learner's record (kept for the partnership's statistics once the learner is "
    "anonymised)"
)
WORKED_OUT_AGAIN = KeptWhileParent("worked out again from the learner's record whenever it changes")


def declare_about_learner(
    model: type[models.Model],
    *,
    title: str,
    kept: KeptWhileParent = KEPT_WITH_THE_LEARNER,
    category: Category = Category.PARTICIPATION,
    anonymised: Mapping[str, Any] | None = None,
    erasure: Erasure | None = None,
) -> PersonalData:
    """A row about one learner reached through its `learner` field (an attendance, an enrolment,
    an area profile), held for the partnership's public task: erasure keeps it (the learner is
    anonymised), or anonymises the fields given, or does what `erasure` says."""
    chosen = erasure or (Erasure.ANONYMISE if anonymised else Erasure.KEEP)
    return declare(
        model=model,
        subjects={Subject.LEARNER: "learner"},
        categories=frozenset({category}),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        retention=kept,
        erasure=chosen,
        anonymised=anonymised or {},
        title=title,
    )


def declare_about_account(
    model: type[models.Model],
    *,
    title: str,
    erasure: Erasure = Erasure.DELETE,
    not_exported: frozenset[str] = frozenset(),
    kept: str = "as long as the account",
) -> PersonalData:
    """A row of one account holder's reached through its `user` field (a membership, a token, a
    second factor), held in the legitimate interest of running the service."""
    return declare(
        model=model,
        subjects={Subject.USER: "user"},
        categories=frozenset({Category.ACCOUNT}),
        lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
        retention=KeptWhileParent(kept),
        erasure=erasure,
        not_exported=not_exported,
        title=title,
    )


def declare_attribution(model: type[models.Model], *paths: str, title: str) -> PersonalData:
    """A record that names the account that made or changed it (an activity's creator): kept as
    long as the record; erasing the person anonymises the account it points at."""
    return declare(
        model=model,
        subjects={Subject.USER: paths},
        categories=frozenset({Category.ACCOUNT}),
        lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
        retention=KeptWhileParent("as long as the record; the account it names is anonymised"),
        erasure=Erasure.KEEP,
        title=title,
    )


def declare_not_personal(model: type[models.Model], reason: str) -> None:
    """Say why a model that looks personal (a `name` field, a link to an account) is not."""
    register.exempt_model(model, reason)


def declare_staged_upload(model: type[models.Model], *, title: str) -> PersonalData:
    """An uploaded file's ledger (`widen.core.uploads.StagedUpload`): the file, its row problems
    and the changes kept to undo it hold the people in the file, so they go when the roll-back
    period ends; the ledger row (who uploaded what, when, with what counts) stays."""
    from widen.core.uploads import rollback_period  # noqa: PLC0415

    def past_roll_back(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
        cutoff = as_of(today) - rollback_period()
        old = models.Q(committed_at__lt=cutoff) | models.Q(
            committed_at__isnull=True, created_at__lt=cutoff
        )
        holding = (
            models.Q(file_content__isnull=False) | ~models.Q(problems=[]) | ~models.Q(changes={})
        )
        return rows.filter(old).filter(holding)

    cleared: dict[str, Any] = {"file_content": None, "problems": [], "changes": {}}
    return declare(
        model=model,
        subjects={Subject.USER: "uploaded_by"},
        categories=frozenset({Category.IDENTITY, Category.CHARACTERISTICS}),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        retention=Retention(
            "the file and its row-by-row details go when the roll-back period ends; the record "
            "of the upload stays",
            Action.ANONYMISE,
            past_roll_back,
            anonymised=cleared,
        ),
        erasure=Erasure.KEEP,
        not_exported=frozenset({"file_content", "changes", "file_sha256"}),
        title=title,
        mentions_learners_in="changes",
        clears=cleared,
    )
