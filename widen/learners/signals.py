"""Signals other domains listen to (targeting works out area profiles when postcodes change)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after learners are created or changed (a form, the API, an import), with
# `learner_ids`: the primary keys. Receivers act once the transaction commits.
learners_changed = Signal()
