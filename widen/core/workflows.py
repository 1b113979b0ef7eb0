"""Declared states and the transitions allowed between them.

A model with a status declares its workflow once, beside its fields::

    SURVEY_WORKFLOW = Workflow(
        "status",
        [
            Transition("open", frozenset({SurveyStatus.DRAFT}), SurveyStatus.OPEN, "Open"),
            Transition("close", frozenset({SurveyStatus.OPEN}), SurveyStatus.CLOSED, "Close"),
        ],
        stamp_at="status_changed_at",  # optional fields on the row
        stamp_by="status_changed_by",
    )

and a service moves a row with `SURVEY_WORKFLOW.apply(survey, "close", actor=actor)` after its
policy allows it. `apply`, in one transaction: locks the row (`SELECT ... FOR UPDATE`), reads its
state afresh (so two people closing at once cannot both succeed from a stale page), refuses a
transition not allowed from that state with an `ApplicationError` naming the field, sets the new
state (and the stamps), saves, and sends `state_changed`, whose receiver in `widen.audit` writes
the append-only record of who moved what from which state to which, in the same transaction.

Pages list `workflow.allowed(obj)` to offer only the buttons that can work; templates show a
state through the model's `get_<field>_display`, never by comparing string literals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from widen.core.exceptions import ApplicationError

M = TypeVar("M", bound=models.Model)

# Sent inside the transaction of every transition: sender is the model class; kwargs `instance`,
# `workflow_field`, `transition`, `source`, `target`, `actor`, `reason`.
state_changed = Signal()


@dataclass(frozen=True)
class Transition:
    """A move named `name` from any of `sources` to `target`; `label` is the button's words."""

    name: str
    sources: frozenset[str]
    target: str
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(str(source) for source in self.sources))
        object.__setattr__(self, "target", str(self.target))
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())


class Workflow:
    """The transitions of one status field."""

    def __init__(
        self,
        field_name: str,
        transitions: Iterable[Transition],
        *,
        stamp_at: str = "",
        stamp_by: str = "",
    ) -> None:
        self.field_name = field_name
        self.transitions = tuple(transitions)
        self.stamp_at = stamp_at
        self.stamp_by = stamp_by
        self._by_name = {transition.name: transition for transition in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError("Each transition of a workflow has its own name.")

    @property
    def states(self) -> frozenset[str]:
        found: set[str] = set()
        for transition in self.transitions:
            found |= transition.sources | {transition.target}
        return frozenset(found)

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(f"No transition {name!r} on {self.field_name!r}.") from None

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.field_name))

    def allowed(self, obj: models.Model) -> list[Transition]:
        """The transitions that can happen from `obj`'s state, in declared order."""
        state = self.state_of(obj)
        return [transition for transition in self.transitions if state in transition.sources]

    def can(self, obj: models.Model, name: str) -> bool:
        return self.state_of(obj) in self.transition(name).sources

    def apply(
        self,
        obj: M,
        name: str,
        *,
        actor: Any,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        before_save: Callable[[M], None] | None = None,
    ) -> M:
        """Move `obj` by transition `name`; returns the row as saved (and refreshes `obj`).

        `changes` are other field values set in the same save (e.g. a cancellation reason);
        `before_save` may check the locked row further and raise `ApplicationError`.
        """
        if actor is None:
            raise TypeError("A transition names who made it (a person or a system actor).")
        transition = self.transition(name)
        model = type(obj)
        with transaction.atomic():
            locked = model._base_manager.select_for_update().get(pk=obj.pk)
            source = self.state_of(locked)
            if source not in transition.sources:
                raise ApplicationError(
                    _refusal(locked, self.field_name, transition), field=self.field_name
                )
            setattr(locked, self.field_name, transition.target)
            updated = {self.field_name}
            for attname, value in (changes or {}).items():
                setattr(locked, attname, value)
                updated.add(attname)
            if self.stamp_at:
                setattr(locked, self.stamp_at, timezone.now())
                updated.add(self.stamp_at)
            if self.stamp_by:
                setattr(locked, self.stamp_by, actor if getattr(actor, "pk", None) else None)
                updated.add(self.stamp_by)
            if before_save is not None:
                before_save(locked)
            locked.save(update_fields=sorted(updated))
            state_changed.send(
                sender=model,
                instance=locked,
                workflow_field=self.field_name,
                transition=transition.name,
                source=source,
                target=transition.target,
                actor=actor,
                reason=reason,
            )
        for attname in updated:
            setattr(obj, attname, getattr(locked, attname))
        return locked


def _refusal(obj: models.Model, field_name: str, transition: Transition) -> str:
    display = getattr(obj, f"get_{field_name}_display", None)
    state = display() if callable(display) else getattr(obj, field_name)
    noun = str(obj._meta.verbose_name)
    return f"This {noun} is {str(state).lower()}, so it cannot be {_past(transition)} now."


def _past(transition: Transition) -> str:
    label = transition.label.lower()
    irregular = {"open": "opened", "close": "closed", "cancel": "cancelled", "pay": "paid"}
    first, _, rest = label.partition(" ")
    verb = irregular.get(first) or (first + "d" if first.endswith("e") else first + "ed")
    return f"{verb} {rest}".strip()
