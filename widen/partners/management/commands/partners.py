"""`widen partners ACTION`: the student partners' scheme's own work, as Widen itself.

widen partners overdue-claims   tell each coordinator, once, of every expense claim past its
                                provider's promised number of working days, and say how many
widen partners check-expiry     warn partners and their coordinators, once, of onboarding checks
  [--days N]                    expiring within N days (default 30), and say how many
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.partners.management import check_expiry
from widen.partners.services.claim_alerts import claims_overdue_alert


class Command(BaseCommand):
    help = "Student partners: alert coordinators to expense claims past the promised time."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "overdue-claims",
            help="tell coordinators, once, of claims past the promised working days to repay",
        )
        check_expiry.add_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == check_expiry.ACTION:
            check_expiry.run(options, self.stdout)
        if options["action"] == "overdue-claims":
            actor = system_actor("widen partners overdue-claims")
            with request_context.bind(actor=actor, source="cli"):
                alerted = claims_overdue_alert(actor=actor)
            claims = "claim" if alerted == 1 else "claims"
            self.stdout.write(f"Alerted coordinators to {alerted} overdue {claims}.")
