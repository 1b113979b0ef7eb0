"""Looking for duplicates among many learners runs as a background job (`widen db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from widen.accounts.models import User
from widen.core import request_context
from widen.learners.duplicates.finding import PAIR_KINDS
from widen.learners.duplicates.reviews import duplicates_find, partnerships_to_search

# A search over more learners than this runs in the background (about 10 to 20 s at 20,000
# learners on a busy 2-core machine: `make bench BENCH_ARGS="--only dedup"`).
BACKGROUND_LEARNERS = 20_000


def duplicates_find_queue(*, actor: User, partnership_id: str) -> None:
    """Hand the search to the background worker once this transaction commits."""
    actor_id = str(actor.pk)
    transaction.on_commit(lambda: duplicates_find_job.enqueue(actor_id, str(partnership_id)))


@task()
def duplicates_find_job(actor_id: str, partnership_id: str) -> str:
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if actor is None:
        return "nothing to do: the person is no longer active"
    partnership = partnerships_to_search(actor).filter(pk=partnership_id).first()
    if partnership is None:
        return "nothing to do: the person no longer administers a member of the partnership"
    with request_context.bind(actor=actor, source="job"):
        summary = duplicates_find(actor=actor, partnership=partnership)
    kinds = "; ".join(f"{count} with {PAIR_KINDS[kind]}" for kind, count in summary.kinds.items())
    return (
        f"compared {summary.learners_compared} learners; {summary.pairs_new} new pairs, "
        f"{summary.twins_set_aside} twin-like pairs left out"
        + (f" (found: {kinds})" if kinds else "")
    )
