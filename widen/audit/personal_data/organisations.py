"""Organisations in the register of personal data: none of their records is about a person."""

from __future__ import annotations

from widen.audit.registry import declare_not_personal
from widen.organisations.models import Organisation, Partnership

declare_not_personal(Organisation, "an organisation's name")
declare_not_personal(Partnership, "a partnership's name")
