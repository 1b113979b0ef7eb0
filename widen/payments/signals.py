"""Signals payments sends, so the areas that record entries hear what became of them without
payments knowing those areas (they sit above it).

`run_marked_paid`: sent inside the transaction that marks a payment run paid, once the run is
saved as paid; sender `PaymentRun`, kwarg `run` (the run, with its `paid_on`). A receiver marks
its own records paid in bulk (one query for the run, never one per entry) and raising rolls the
marking back.
"""

from __future__ import annotations

from django.dispatch import Signal

run_marked_paid = Signal()
