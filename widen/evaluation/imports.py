"""Importing scale items from a spreadsheet: how a partnership brings TASO's published Access
and Success Questionnaire items (or its own) into its question bank. Widen does not ship
TASO's wording.

One row per item: `scale`, `position`, `text`, and optionally `code`, `reverse_scored`,
`scoring`, `options` and `description`. Every row is checked first and each problem is reported
by row and column; nothing is written unless the file is clean and the person confirms. A scale
already in the bank with exactly the same wording is left as it is (importing the same file
twice changes nothing); one whose wording differs gets a new version (the published one stays
locked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from widen.core.exceptions import ApplicationError, NotFound
from widen.core.tabular import Table, TableLimits
from widen.core.uploads import StagedImport
from widen.evaluation.models import (
    Scale,
    ScaleImport,
    ScaleLockedError,
    ScaleScoring,
    ScaleSource,
    ScaleStatus,
    response_options_problem,
)
from widen.evaluation.services import (
    ItemSpec,
    agreement_options,
    may_keep_bank,
    scale_create,
    scale_draft_update,
    scale_new_version,
    scale_publish,
    scale_same_as,
)
from widen.organisations.models import Partnership

MAX_BYTES = 2 * 1024 * 1024
LIMITS = TableLimits(max_bytes=MAX_BYTES, max_rows=5_000, max_columns=20)
SCALE_UPLOADS = StagedImport(model=ScaleImport, limits=lambda: LIMITS)
REQUIRED = ("scale", "position", "text")
OPTIONAL = ("code", "reverse_scored", "scoring", "options", "description")
YES = {"yes", "y", "true", "1", "reverse", "reversed"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class PlannedScale:
    name: str
    key: str
    items: dict[int, ItemSpec] = field(default_factory=dict)
    scoring: str = ""
    options: list[dict[str, Any]] | None = None
    description: str = ""
    first_row: int = 0
    positions_seen: set[int] = field(default_factory=set)
    outcome: str = ""  # "new", "new version", "publish", "unchanged"

    @property
    def outcome_text(self) -> str:
        """What importing does to the scale, in words."""
        return OUTCOME_TEXT.get(self.outcome, OUTCOME_TEXT["unchanged"])


OUTCOME_TEXT = {
    "new": "Added and published",
    "new version": "A new version published (the wording differs from the one in the bank)",
    "publish": "The draft replaced and published",
    "unchanged": "Already in the bank with this wording: unchanged",
}


@dataclass
class Checked:
    scales: list[PlannedScale]
    problems: list[dict[str, Any]]
    rows_total: int


def _header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _parse_options(text: str) -> tuple[list[dict[str, Any]] | None, str]:
    parts = [part.strip() for part in text.split("|") if part.strip()]
    options = []
    for part in parts:
        value, separator, label = part.partition("=")
        try:
            whole = int(value.strip())
        except ValueError:
            return None, f"“{part[:30]}” should look like 1=Strongly disagree."
        if not separator or not label.strip():
            return None, f"“{part[:30]}” should look like 1=Strongly disagree."
        options.append({"value": whole, "label": " ".join(label.split())})
    problem = response_options_problem(options)
    return (None, problem) if problem else (options, "")


def scale_file_check(content: bytes, file_name: str, partnership: Partnership) -> Checked:
    """Check every row of the file; nothing is written. A file that cannot be read at all is one
    problem, with row 0."""
    try:
        table = SCALE_UPLOADS.read(content, file_name)
    except ApplicationError as error:
        return Checked([], [{"row": 0, "column": "", "message": error.message}], 0)
    return scale_table_check(table, partnership)


def scale_table_check(table: Table, partnership: Partnership) -> Checked:
    """Check every row of a file already read; nothing is written."""
    problems: list[dict[str, Any]] = []

    def problem(row: int, column: str, message: str) -> None:
        problems.append({"row": row, "column": column, "message": message})

    headers = [_header(name) for name in table.headers]
    for column in REQUIRED:
        if column not in headers:
            problem(1, column, f"The file has no “{column}” column.")
    for name, original in zip(headers, table.headers, strict=True):
        if name and name not in REQUIRED + OPTIONAL:
            problem(1, original[:40], "This is not a column we know; remove it or rename it.")
    if len(set(headers)) != len(headers):
        problem(1, "", "Two columns have the same name.")
    if problems:
        return Checked([], problems, len(table.rows))

    planned: dict[str, PlannedScale] = {}
    for row_number, cells in zip(table.row_numbers, table.rows, strict=True):
        row = dict(zip(headers, cells, strict=True))
        name = " ".join(row.get("scale", "").split())
        text = " ".join(row.get("text", "").split())
        if not name:
            problem(row_number, "scale", "Give the scale's name.")
            continue
        if len(name) > 160:
            problem(row_number, "scale", "Keep the scale's name under 160 characters.")
            continue
        scale = planned.setdefault(
            name.casefold(),
            PlannedScale(name=name, key=slugify(name)[:60] or "scale", first_row=row_number),
        )
        position_text = row.get("position", "").strip()
        # Only 0-9: "²" is a digit to isdigit() but not a number to int().
        position = int(position_text) if position_text.isascii() and position_text.isdigit() else 0
        if not 1 <= position <= 200:
            problem(row_number, "position", "Give the item's place as a whole number from 1.")
        elif position in scale.positions_seen:
            problem(row_number, "position", f"{name} has two items at place {position}.")
        first_at_position = position not in scale.positions_seen
        scale.positions_seen.add(position)
        if not text:
            problem(row_number, "text", "Give the item's wording.")
        elif len(text) > 500:
            problem(row_number, "text", "Keep the wording under 500 characters.")
        reverse_text = row.get("reverse_scored", "").strip().lower()
        if reverse_text not in YES | NO:
            problem(row_number, "reverse_scored", "Write yes or no.")
        scoring = row.get("scoring", "").strip().lower()
        if scoring and scoring not in ScaleScoring.values:
            problem(row_number, "scoring", "Write mean or sum.")
        elif scoring and scale.scoring and scoring != scale.scoring:
            problem(row_number, "scoring", f"{name} is scored by {scale.scoring} on another row.")
        elif scoring:
            scale.scoring = scoring
        options_text = row.get("options", "").strip()
        if options_text:
            options, message = _parse_options(options_text)
            if options is None:
                problem(row_number, "options", message)
            elif scale.options is not None and options != scale.options:
                problem(row_number, "options", f"{name} has other options on another row.")
            else:
                scale.options = options
        description = row.get("description", "").strip()
        if description and not scale.description:
            scale.description = description[:2000]
        code = row.get("code", "").strip()
        if len(code) > 20:
            problem(row_number, "code", "Keep the code under 20 characters.")
        if 1 <= position <= 200 and text and first_at_position:
            scale.items[position] = ItemSpec(
                text=text[:500], reverse_scored=reverse_text in YES, code=code[:20]
            )
    if not table.rows:
        problem(0, "", "The file has no rows of items.")
    for scale in planned.values():
        if scale.items:
            positions = sorted(scale.items)
            if positions != list(range(1, len(positions) + 1)):
                problem(
                    scale.first_row,
                    "position",
                    f"{scale.name}'s places should run 1, 2, 3… without gaps "
                    f"(the file has {', '.join(str(p) for p in positions[:10])}).",
                )
        scale.outcome = _outcome(scale, partnership)
    return Checked(list(planned.values()), problems, len(table.rows))


def _ordered_items(scale: PlannedScale) -> list[ItemSpec]:
    return [scale.items[position] for position in sorted(scale.items)]


def _latest(partnership: Partnership, key: str) -> Scale | None:
    return Scale.objects.filter(partnership=partnership, key=key).order_by("-version").first()


def _outcome(scale: PlannedScale, partnership: Partnership) -> str:
    latest = _latest(partnership, scale.key)
    if latest is None:
        return "new"
    if scale_same_as(
        latest,
        name=scale.name,
        items=_ordered_items(scale),
        response_options=scale.options or agreement_options(),
        scoring=scale.scoring or ScaleScoring.MEAN,
    ):
        return "unchanged" if latest.status == ScaleStatus.PUBLISHED else "publish"
    return "new version"


@transaction.atomic
def scale_import_start(
    *,
    actor: Any,
    partnership: Partnership,
    file_name: str,
    content: bytes,
    source: str = ScaleSource.TASO_ASQ,
) -> ScaleImport:
    """Keep the uploaded file and its check, for the person to confirm. A file that cannot be
    read at all is refused (`ApplicationError`) and nothing is written."""
    if not may_keep_bank(actor, partnership):
        raise NotFound
    if source not in (ScaleSource.TASO_ASQ, ScaleSource.PARTNERSHIP):
        raise ApplicationError("Choose where the items come from.", field="source")
    table = SCALE_UPLOADS.read(content, file_name)
    checked = scale_table_check(table, partnership)
    upload = ScaleImport(partnership=partnership, source=source, problems=checked.problems)
    # An earlier file for this bank, never imported, is replaced by this one.
    return SCALE_UPLOADS.stage(
        upload,
        actor=actor,
        content=content,
        table=table,
        file_name=file_name,
        replaces=Q(partnership=partnership),
    )


def scale_import_plan(upload: ScaleImport) -> Checked:
    content = bytes(upload.file_content or b"")
    return scale_file_check(content, upload.file_name, upload.partnership)


def scale_import_commit(*, actor: Any, upload: ScaleImport) -> ScaleImport:
    """Write the checked file's scales, published (their wording locked), all or nothing."""

    def may(locked: ScaleImport) -> bool:
        return locked.uploaded_by_id == getattr(actor, "pk", None) and may_keep_bank(
            actor, locked.partnership
        )

    def write(locked: ScaleImport) -> ScaleImport:
        checked = scale_import_plan(locked)
        if checked.problems:
            raise ApplicationError(
                "The file has problems; correct them and upload it again. Nothing was imported."
            )
        created: list[str] = []
        published: list[str] = []
        items = 0
        for planned in checked.scales:
            if planned.outcome == "unchanged":
                continue
            scale, was_draft = _write_scale(actor, locked, planned)
            (published if was_draft else created).append(str(scale.pk))
            items += len(planned.items)
        locked.changes = {"created": created, "published": published}
        locked.scales_created = len(created) + len(published)
        locked.items_created = items
        return locked

    done: ScaleImport = SCALE_UPLOADS.commit(upload, actor=actor, write=write, may=may)
    return done


def _write_scale(actor: Any, upload: ScaleImport, planned: PlannedScale) -> tuple[Scale, bool]:
    """Write one planned scale; say whether it was a draft already held (now published)."""
    ordered = _ordered_items(planned)
    options = planned.options or agreement_options()
    scoring = planned.scoring or ScaleScoring.MEAN
    latest = _latest(upload.partnership, planned.key)
    if latest is None:
        scale = scale_create(
            actor=actor,
            partnership=upload.partnership,
            name=planned.name,
            key=planned.key,
            items=ordered,
            response_options=options,
            scoring=scoring,
            description=planned.description,
            source=upload.source,
            publish=True,
        )
        return scale, False
    wording: dict[str, Any] = {
        "items": ordered,
        "name": planned.name,
        "response_options": options,
        "scoring": scoring,
    }
    if planned.outcome == "publish" or latest.status != ScaleStatus.PUBLISHED:
        scale_draft_update(actor=actor, scale=latest, **wording)
        return scale_publish(actor=actor, scale=latest), True
    return scale_new_version(actor=actor, scale=latest, publish=True, **wording), False


def scale_import_roll_back(*, actor: Any, upload: ScaleImport) -> ScaleImport:
    """Undo an imported file within the roll-back period: remove the scales and versions it
    created. Refused once a survey asks any of them (answers would lose their questions), and
    when it published a draft already in the bank (change that one by hand)."""

    def undo(locked: ScaleImport) -> None:
        if locked.changes.get("published"):
            names = ", ".join(
                Scale.objects.filter(pk__in=locked.changes["published"]).values_list(
                    "name", flat=True
                )
            )
            raise ApplicationError(
                f"This file published drafts already in the question bank ({names}): rolling it "
                "back cannot give back the drafts' wording. Make a new version by hand instead."
            )
        created = Scale.objects.filter(pk__in=locked.changes.get("created", []))
        if created.filter(next_versions__isnull=False).exists():
            raise ApplicationError(
                "One of the scales this file imported has a newer version since, so it cannot be "
                "rolled back."
            )
        try:
            created.delete_unasked()
        except ScaleLockedError as error:
            raise ApplicationError(
                "A survey now asks one of the scales this file imported, so rolling it back would "
                "take the questions from under it. Make a new version of the scale instead."
            ) from error

    return SCALE_UPLOADS.roll_back(
        upload,
        actor=actor,
        undo=undo,
        may=lambda locked: may_keep_bank(actor, locked.partnership),
    )


def scale_imports_purge() -> int:
    """Forget the files of scale uploads once as old as an import can be rolled back."""
    return SCALE_UPLOADS.purge()
