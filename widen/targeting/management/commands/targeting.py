"""`widen targeting run [--rule-set NAME]`: area profiles and eligibility for every learner."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from widen.core.exceptions import ApplicationError
from widen.core.management.progress import ShowsProgress
from widen.reference.models import DatasetEdition
from widen.targeting.models import RuleSet
from widen.targeting.profiles import ProfileEditions
from widen.targeting.rule_sets import eligibility_compute
from widen.targeting.services import area_profiles_compute


class Command(ShowsProgress):
    help = "Work out targeting again for every learner: area profiles, then rule set results."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser(
            "run", help="work out every learner's area profile and rule set results again"
        )
        run.add_argument(
            "--edition",
            action="append",
            default=[],
            type=int,
            metavar="ID",
            help="use this dataset edition (an id from `widen data list`) instead of the latest; "
            "repeat for several (to recompute a past return exactly)",
        )
        run.add_argument(
            "--rule-set",
            default="",
            metavar="NAME",
            help="work out only this rule set (by name) after the profiles",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rule_sets = RuleSet.objects.select_related("partnership", "agreement").order_by(
            "partnership__name", "name"
        )
        if options["rule_set"]:
            rule_sets = rule_sets.filter(name__iexact=options["rule_set"])
            if not rule_sets:
                raise CommandError(
                    f"There is no rule set called '{options['rule_set'][:60]}'.", returncode=2
                )
        pinned = list(DatasetEdition.objects.filter(pk__in=options["edition"]))
        missing = set(options["edition"]) - {edition.pk for edition in pinned}
        if missing:
            raise CommandError(
                f"There is no dataset edition {sorted(missing)[0]} (see `widen data list`).",
                returncode=2,
            )
        editions = ProfileEditions.current().pinned(pinned)
        run = area_profiles_compute(editions=editions, progress=self.progress)
        for line in run.summary_lines():
            self.stdout.write(line)
        seconds = sum(run.seconds.values())
        self.stdout.write(
            f"  took {seconds:.1f} s (reading {run.seconds['read']:.1f} s, joining "
            f"{run.seconds['classify']:.1f} s, storing {run.seconds['store']:.1f} s)"
        )
        failed = 0
        for rule_set in rule_sets:
            try:
                result = eligibility_compute(rule_set)
            except ApplicationError as error:
                failed += 1
                self.stderr.write(f"{rule_set.partnership}: {rule_set}: {error.message}")
                continue
            self.stdout.write(f"{rule_set.partnership}: {result.summary()}")
        if failed:
            raise CommandError(f"{failed} rule set(s) could not be worked out.", returncode=1)
