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
    def account_emails(self) -> list[str]:
        """The addresses and usernames of the accounts named, as they were when first asked."""
        pairs = User.objects.filter(pk__in=self.user_ids).values_list("username", "email")
        return sorted({value for pair in pairs for value in pair if value})

    def rows_in(self, entry: PersonalData) -> models.QuerySet[Any]:
        return entry.rows_of(
            learner_ids=list(self.learner_ids),
            user_ids=list(self.user_ids),
            emails=list(self.emails),
            names=list(self.names),
            organisation_id=self.organisation_id,
            account_emails=self.account_emails if self.user_ids else [],
        )
