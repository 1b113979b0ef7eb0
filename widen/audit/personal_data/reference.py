"""Official open data in the register of personal data: it describes places and schools."""

from __future__ import annotations

from widen.audit.registry import declare_not_personal
from widen.reference.models import Establishment

declare_not_personal(Establishment, "a school's or college's name from the published register")
