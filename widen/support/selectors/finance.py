"""Reading the money of a provider's awards for its finance page, its CSV and the API: what is
committed, paid and still to pay (by award scheme, academic year and month), and whether what was
marked paid agrees with the payment runs that paid it.

* **Committed**: what accepted awards will pay, every instalment not cancelled (and what a
  stopped award had already put in the ledger): paid + forecast + held.
* **Paid**: instalments marked paid (their payment run was marked paid).
* **Forecast**: instalments still to pay: scheduled ones of accepted awards and due ones (in the
  ledger, waiting for a payment run), by the month they fall due.
* **Held**: instalments held on their day (the student interrupted or withdrew), to chase.

Every read is scoped by the awards policy: only the award schemes of the providers whose awards
the person manages, and only those providers' payment runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from widen.payments.models import PaymentRun, PaymentRunItem, RunStatus
from widen.payments.money import pounds_plain
from widen.support.models import AwardScheme, AwardStatus, Instalment, InstalmentStatus
from widen.support.permissions.awards import award_providers, award_scheme_policy

INSTALMENT_SOURCE = "support.instalment"
COMMITTED_AWARDS = (AwardStatus.ACCEPTED, AwardStatus.COMPLETED)
IN_LEDGER = (InstalmentStatus.DUE, InstalmentStatus.PAID)


@dataclass
class SchemeMoney:
    """One award scheme's figures (pence)."""

    award_scheme: AwardScheme
    paid_pence: int = 0
    forecast_pence: int = 0
    held_pence: int = 0
    offered_pence: int = 0

    @property
    def committed_pence(self) -> int:
        return self.paid_pence + self.forecast_pence + self.held_pence


@dataclass
class YearMoney:
    """An academic year's award schemes and their totals."""

    academic_year: str
    schemes: list[SchemeMoney] = field(default_factory=list)

    def _total(self, name: str) -> int:
        return sum(getattr(money, name) for money in self.schemes)

    @property
    def committed_pence(self) -> int:
        return self._total("committed_pence")

    @property
    def paid_pence(self) -> int:
        return self._total("paid_pence")

    @property
    def forecast_pence(self) -> int:
        return self._total("forecast_pence")

    @property
    def held_pence(self) -> int:
        return self._total("held_pence")

    @property
    def offered_pence(self) -> int:
        return self._total("offered_pence")


@dataclass(frozen=True)
class ForecastLine:
    """What one award scheme still pays in one month."""

    month: date
    award_scheme: AwardScheme
    instalments: int
    amount_pence: int


@dataclass(frozen=True)
class ForecastMonth:
    month: date
    lines: list[ForecastLine]

    @property
    def amount_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)


@dataclass(frozen=True)
class Finance:
    years: list[YearMoney]
    months: list[ForecastMonth]

    @property
    def committed_pence(self) -> int:
        return sum(year.committed_pence for year in self.years)

    @property
    def paid_pence(self) -> int:
        return sum(year.paid_pence for year in self.years)

    @property
    def forecast_pence(self) -> int:
        return sum(year.forecast_pence for year in self.years)

    @property
    def held_pence(self) -> int:
        return sum(year.held_pence for year in self.years)


def finance_award_schemes(*, actor: Any, academic_year: str = "") -> QuerySet[AwardScheme]:
    """The award schemes whose money `actor` sees (of one academic year, when given)."""
    schemes = award_scheme_policy.visible_to(actor).select_related("organisation", "scheme")
    if academic_year:
        schemes = schemes.filter(academic_year=academic_year)
    return schemes.order_by("-academic_year", "name", "pk")


def _forecast_instalments(schemes: QuerySet[AwardScheme]) -> QuerySet[Instalment]:
    """Instalments still to pay: due ones, and scheduled ones of accepted awards."""
    return Instalment.objects.filter(award__award_scheme__in=schemes).filter(
        Q(status=InstalmentStatus.DUE)
        | Q(status=InstalmentStatus.SCHEDULED, award__status__in=COMMITTED_AWARDS)
    )


def finance_summary(*, actor: Any, academic_year: str = "") -> Finance:
    """Committed, paid, forecast and held by award scheme and academic year, and the forecast
    by month (two grouped queries, whatever the number of awards)."""
    schemes = finance_award_schemes(actor=actor, academic_year=academic_year)
    by_scheme = {scheme.pk: SchemeMoney(scheme) for scheme in schemes}
    rows = (
        Instalment.objects.filter(award__award_scheme__in=schemes)
        .order_by()
        .values_list("award__award_scheme_id", "award__status", "status")
        .annotate(total=Sum("amount_pence"))
    )
    for scheme_id, award_status, status, total in rows:
        money = by_scheme[scheme_id]
        if status == InstalmentStatus.PAID:
            money.paid_pence += total
        elif status == InstalmentStatus.DUE:
            money.forecast_pence += total
        elif award_status not in COMMITTED_AWARDS:
            continue  # offered, declined or stopped: nothing more to pay
        elif status == InstalmentStatus.SCHEDULED:
            money.forecast_pence += total
        elif status == InstalmentStatus.HELD:
            money.held_pence += total
    offered = (
        schemes.filter(awards__status=AwardStatus.OFFERED)
        .order_by()
        .values_list("pk")
        .annotate(total=Sum("awards__amount_pence"))
    )
    for scheme_id, total in offered:
        by_scheme[scheme_id].offered_pence = total or 0
    years: dict[str, YearMoney] = {}
    for money in by_scheme.values():
        year = money.award_scheme.academic_year
        years.setdefault(year, YearMoney(year)).schemes.append(money)
    return Finance(years=list(years.values()), months=_forecast_months(schemes, by_scheme))


def _forecast_months(
    schemes: QuerySet[AwardScheme], by_scheme: dict[Any, SchemeMoney]
) -> list[ForecastMonth]:
    lines: dict[date, list[ForecastLine]] = defaultdict(list)
    rows = (
        _forecast_instalments(schemes)
        .annotate(month=TruncMonth("due_on"))
        .order_by()
        .values_list("month", "award__award_scheme_id")
        .annotate(n=Count("pk"), total=Sum("amount_pence"))
    )
    for month, scheme_id, count, total in rows:
        lines[month].append(ForecastLine(month, by_scheme[scheme_id].award_scheme, count, total))
    return [
        ForecastMonth(month, sorted(found, key=lambda line: line.award_scheme.name))
        for month, found in sorted(lines.items())
    ]


FORECAST_HEADINGS = ("Month", "Award scheme", "Academic year", "Provider", "Instalments", "£")


def forecast_rows(finance: Finance) -> Iterable[Sequence[object]]:
    """The forecast as rows for a CSV file: a line per month and award scheme, amounts in pounds
    without a symbol (as a finance system reads them)."""
    yield FORECAST_HEADINGS
    for month in finance.months:
        for line in month.lines:
            scheme = line.award_scheme
            yield (
                f"{month.month:%B %Y}",
                scheme.name,
                scheme.academic_year,
                scheme.organisation.name,
                line.instalments,
                pounds_plain(line.amount_pence),
            )


# --- Reconciliation -----------------------------------------------------------------------


@dataclass
class RunCheck:
    """One payment run that holds instalments: what it paid and what was marked paid."""

    run: PaymentRun
    instalments: int = 0
    run_pence: int = 0
    marked_paid_pence: int = 0
    not_marked_paid: list[Instalment] = field(default_factory=list)
    amount_differs: list[Instalment] = field(default_factory=list)
    no_instalment: int = 0  # entries named as instalments that no instalment owns

    @property
    def agrees(self) -> bool:
        if self.not_marked_paid or self.amount_differs or self.no_instalment:
            return False
        return not self.run.is_paid or self.run_pence == self.marked_paid_pence


@dataclass(frozen=True)
class Reconciliation:
    runs: list[RunCheck]
    due_in_no_run: list[Instalment]
    paid_in_no_paid_run: list[Instalment]

    @property
    def agrees(self) -> bool:
        return all(check.agrees for check in self.runs) and not self.paid_in_no_paid_run

    @property
    def problems(self) -> int:
        return sum(not check.agrees for check in self.runs) + len(self.paid_in_no_paid_run)


def _instalments(actor: Any) -> QuerySet[Instalment]:
    return Instalment.objects.filter(
        award__award_scheme__in=award_scheme_policy.visible_to(actor)
    ).select_related("award__student", "award__award_scheme", "ledger_entry__run_item__run")


def finance_reconciliation(*, actor: Any) -> Reconciliation:
    """For each payment run of the providers whose awards `actor` manages that holds
    instalments: the run's instalment entries against the instalments marked paid (a paid run's
    must all be marked paid, for the same amounts). Then instalments due but in no run yet,
    and instalments marked paid whose entry is in no paid run."""
    items = (
        PaymentRunItem.objects.filter(
            run__organisation__in=award_providers(actor), entry__source_type=INSTALMENT_SOURCE
        )
        .select_related("run", "entry")
        .order_by("-run__created_at", "-run__number", "pk")
    )
    owners = {
        instalment.ledger_entry_id: instalment
        for instalment in _instalments(actor).filter(ledger_entry__run_item__in=items.values("pk"))
    }
    checks: dict[Any, RunCheck] = {}
    for item in items:
        check = checks.setdefault(item.run_id, RunCheck(item.run))
        check.instalments += 1
        check.run_pence += item.entry.amount_pence
        instalment = owners.get(item.entry_id)
        if instalment is None:
            check.no_instalment += 1
            continue
        if instalment.amount_pence != item.entry.amount_pence:
            check.amount_differs.append(instalment)
        if instalment.status == InstalmentStatus.PAID:
            check.marked_paid_pence += instalment.amount_pence
        elif item.run.is_paid:
            check.not_marked_paid.append(instalment)
    ordered = ("due_on", "award__student__last_name", "pk")
    due_in_no_run = list(
        _instalments(actor)
        .filter(status=InstalmentStatus.DUE, ledger_entry__run_item__isnull=True)
        .order_by(*ordered)
    )
    paid_in_no_paid_run = list(
        _instalments(actor)
        .filter(status=InstalmentStatus.PAID)
        .exclude(ledger_entry__run_item__run__status=RunStatus.PAID)
        .order_by(*ordered)
    )
    return Reconciliation(list(checks.values()), due_in_no_run, paid_in_no_paid_run)


def reconciliation_students(reconciliation: Reconciliation) -> list[Any]:
    """The students a reconciliation names (for the access log of the page showing it)."""
    named = [
        *reconciliation.due_in_no_run,
        *reconciliation.paid_in_no_paid_run,
        *(i for check in reconciliation.runs for i in check.not_marked_paid),
        *(i for check in reconciliation.runs for i in check.amount_differs),
    ]
    return list({i.award.student_id: i.award.student for i in named}.values())
