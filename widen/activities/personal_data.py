"""Attendance and registers in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.activities.models import Activity, Attendance, RegisterImport
from widen.audit import registry

registry.declare_about_learner(Attendance, title="Sessions attended")
registry.declare_staged_upload(RegisterImport, title="Registers uploaded")
registry.declare_attribution(Activity, "created_by", title="Activities you created")
