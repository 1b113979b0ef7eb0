"""A person whose data is asked about, as the records that are theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models

from widen.accounts.models import User
from widen.audit.registry import PersonalData


@dataclass(frozen=True)
class Person:
    """The learner records, accounts and e-mail addresses found to be one person's."""

    learner_ids: tuple[Any, ...] = ()
    user_ids: tuple[Any, ...] = ()
    emails: tuple[str, ...] = field(default=())
    names: tuple[str, ...] = field(default=())
    # The organisation answering: rows found by address or name are only its own (None: the
    # system looking everywhere, `widen sar`).
    organisation_id: Any = None

    @property
    def is_empty(self) -> bool:
        return not (self.learner_ids or self.user_ids or self.emails or self.names)

    @cached_property
    def _accounts(self) -> list[tuple[str, str, str, str]]:
        """The accounts named, as they were when first asked (erasure changes them last)."""
        if not self.user_ids:
            return []
        return list(
            User.objects.filter(pk__in=self.user_ids).values_list(
                "username", "email", "first_name", "last_name"
            )
        )

    @property
    def account_emails(self) -> list[str]:
        """The addresses and usernames of the accounts named."""
        return sorted({value for account in self._accounts for value in account[:2] if value})

    @property
    def account_names(self) -> list[str]:
        """The full names of the accounts named: the names they are known by (a speaker on an
        event's agenda), found like any name given, among the answering organisation's own."""
        full = {f"{first} {last}".strip() for _, _, first, last in self._accounts}
        return sorted(name for name in full if name)

    def rows_in(self, entry: PersonalData) -> models.QuerySet[Any]:
        return entry.rows_of(
            learner_ids=list(self.learner_ids),
            user_ids=list(self.user_ids),
            emails=list(self.emails),
            names=sorted(set(self.names) | set(self.account_names)),
            organisation_id=self.organisation_id,
            account_emails=self.account_emails,
        )
