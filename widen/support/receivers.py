"""What student support does when other areas tell it something (connected in `apps.py`)."""

from __future__ import annotations

from typing import Any

from widen.payments.models import PaymentRun


def on_run_marked_paid(sender: Any, run: PaymentRun, **kwargs: Any) -> None:
    """A payment run is paid: so are the award instalments it pays."""
    from widen.support.instalments import instalments_paid_by_run  # noqa: PLC0415

    instalments_paid_by_run(run)
