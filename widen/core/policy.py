"""The shape every app's policy (`<app>/permissions.py`) takes.

A policy answers three questions about one kind of object and nothing else decides them:

* `visible_to(actor)`: the objects `actor` may see, as a queryset (selectors start from it);
* `may(actor, action, obj)`: whether `actor` may do `action` to `obj` (pages use it to show or
  hide a button, services before they write);
* `require(actor, action, obj)`: `may`, or the one "not found or not yours" error (`NotFound`),
  which pages and the API both answer with 404, so a refusal never confirms that a thing exists.

Capabilities (which roles may do what) come from `widen.accounts.capabilities`; this module
stays below it, so it knows nothing of roles.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from widen.core.exceptions import NotFound

M = TypeVar("M", bound=Model)

VIEW = "view"


class Policy(Generic[M]):
    """Subclasses set `actions` (the verbs `may` knows) and implement `visible_to` and
    `_may`."""

    actions: frozenset[str] = frozenset({VIEW})

    def visible_to(self, actor: Any) -> QuerySet[M]:
        raise NotImplementedError

    def _may(self, actor: Any, action: str, obj: M) -> bool:
        raise NotImplementedError

    def may(self, actor: Any, action: str, obj: M | None) -> bool:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {action!r}.")
        if obj is None:
            return False
        if action == VIEW:
            return self.visible_to(actor).filter(pk=obj.pk).exists()
        return self._may(actor, action, obj)

    def require(self, actor: Any, action: str, obj: M | None) -> M:
        """`obj`, if `actor` may do `action` to it; otherwise `NotFound`."""
        if obj is None or not self.may(actor, action, obj):
            raise NotFound
        return obj

    def get(self, actor: Any, pk: Any, *, action: str = VIEW) -> M:
        """The object with primary key `pk` that `actor` sees (and may do `action` to), or
        `NotFound`: a malformed key, a missing object and another's object answer alike."""
        try:
            obj = self.visible_to(actor).filter(pk=pk).first()
        except (ValueError, TypeError, ValidationError) as error:  # a malformed key
            raise NotFound from error
        if obj is None:
            raise NotFound
        if action != VIEW:
            self.require(actor, action, obj)
        return obj
