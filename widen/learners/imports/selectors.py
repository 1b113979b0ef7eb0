"""Reading import runs: a person sees their own, and an admin sees their organisation's."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from widen.accounts.capabilities import Capability, organisations_granting
from widen.accounts.models import User
from widen.core.exceptions import NotFound
from widen.learners.models import ImportRun
from widen.organisations.models import Organisation


def import_admin_organisations(actor: User) -> QuerySet[Organisation]:
    """Where `actor` manages every upload of pupil lists: sees the audit and changes learners
    (an organisation's admins; not a data-protection officer, who only sees the audit)."""
    return organisations_granting(actor, Capability.AUDIT_SEE).filter(
        pk__in=organisations_granting(actor, Capability.LEARNERS_EDIT)
    )


def import_run_list(*, actor: User) -> QuerySet[ImportRun]:
    admin_of = import_admin_organisations(actor)
    return (
        ImportRun.objects.filter(Q(uploaded_by=actor) | Q(organisation__in=admin_of))
        .select_related("organisation", "school", "uploaded_by")
        .defer("file_content", "changes")
    )


def import_run_get(*, actor: User, run_id: UUID) -> ImportRun:
    run = import_run_list(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound("No such import.")
    return run
