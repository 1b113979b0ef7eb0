"""An award scheme's form (amounts typed in pounds, kept in pence), stopping an award, and the
words a page uses for an award scheme's amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.academic_years import AcademicYear
from widen.core.forms import ListChoiceField
from widen.organisations.models import Organisation
from widen.payments.money import pounds
from widen.students.models import IncomeBand
from widen.support.models import AwardScheme, InstalmentStatus, Scheme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
INSTALMENT_FIELDS = 6
FIXED, BANDS = "fixed", "bands"
YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def band_words(band: str) -> str:
    """ "household income up to £25,000" for a band's value."""
    return f"household income {IncomeBand(band).label[:1].lower()}{IncomeBand(band).label[1:]}"


@dataclass(frozen=True)
class BandAmount:
    band: str
    words: str
    amount_pence: int


def band_amounts(award_scheme: AwardScheme) -> list[BandAmount]:
    """An award scheme's amount for each household income band, in the bands' order."""
    given = award_scheme.amounts_by_income_band or {}
    return [
        BandAmount(value, band_words(value), int(given[value]))
        for value in IncomeBand.values
        if value in given
    ]


def amount_words(award_scheme: AwardScheme) -> str:
    """ "£1,000 for every student", or "£1,500 for household income up to £25,000; £1,000 for
    ..." (a band left out is offered nothing)."""
    if award_scheme.amount_pence is not None:
        return f"{pounds(award_scheme.amount_pence)} for every student"
    bands = band_amounts(award_scheme)
    if not bands:
        return "No amount set"
    return "; ".join(f"{pounds(b.amount_pence)} for {b.words}" for b in bands)


def _pounds_field(label: str, *, required: bool = False, help_text: str = "") -> forms.Field:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text=help_text,
        widget=MONEY_WIDGET,
        error_messages={
            "required": "Enter the amount in pounds, like 1000.",
            "invalid": "Enter the amount in pounds and pence, like 1000 or 1000.50.",
            "min_value": "Enter an amount of at least £0.01.",
            "max_digits": "Enter an amount below £1,000,000.",
            "max_whole_digits": "Enter an amount below £1,000,000.",
            "max_decimal_places": "Enter the amount in pounds and pence, like 1000.50.",
        },
    )


def _in_pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _clean_pounds(value: Any) -> str:
    """What was typed, without "£" and thousands commas (so "£1,000" reads as 1000)."""
    return str(value).replace("£", "").replace(",", "").strip() if value is not None else ""


class AwardSchemeForm(forms.Form):
    """A new award scheme, or an award scheme changed (its provider is kept)."""

    organisation = ListChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your providers."},
    )
    scheme = ListChoiceField(
        queryset=Scheme.objects.none(),
        label="For the members of",
        empty_label="Choose a support scheme",
        help_text="The support scheme whose members are offered the award.",
        error_messages={
            "required": "Choose the support scheme whose members the award is for.",
            "invalid_choice": "Choose one of your provider's support schemes.",
        },
    )
    name = forms.CharField(
        max_length=120, error_messages={"required": "Enter a name for the award scheme."}
    )
    academic_year = forms.CharField(
        label="Academic year",
        max_length=7,
        help_text="Like 2026/27.",
        error_messages={"required": "Enter the academic year, like 2026/27."},
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="What the award is for, in the words the award letter uses.",
    )
    amount_kind = forms.ChoiceField(
        label="The award is",
        choices=[
            (FIXED, "The same amount for every student"),
            (BANDS, "An amount for each household income band"),
        ],
        widget=forms.RadioSelect,
        initial=FIXED,
        error_messages={"required": "Choose how much the award is."},
    )
    amount = _pounds_field("Amount for every student, in pounds", help_text="Like 1000.")

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        schemes: QuerySet[Scheme],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = providers  # type: ignore[attr-defined]
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]
        if editing:
            del self.fields["organisation"]
        else:
            self.fields["academic_year"].initial = str(AcademicYear.current())
        for band, label in IncomeBand.choices:
            self.fields[f"band_{band}"] = _pounds_field(
                f"For household income {label[:1].lower()}{label[1:]}, in pounds"
            )
        for number in range(1, INSTALMENT_FIELDS + 1):
            self.fields[f"instalment_{number}"] = forms.DateField(
                label=f"Instalment {number}",
                required=False,
                widget=DATE_WIDGET,
                error_messages={"invalid": "Enter a real day, like 16 November 2026."},
            )

    @property
    def band_fields(self) -> list[forms.BoundField]:
        return [self[f"band_{band}"] for band in IncomeBand.values]

    @property
    def instalment_fields(self) -> list[forms.BoundField]:
        return [self[f"instalment_{n}"] for n in range(1, INSTALMENT_FIELDS + 1)]

    def _raw(self, name: str) -> Any:
        return self.data.get(self.add_prefix(name)) if self.is_bound else None

    def full_clean(self) -> None:
        if self.is_bound and hasattr(self.data, "copy"):
            data = self.data.copy()
            for name in ("amount", *(f"band_{band}" for band in IncomeBand.values)):
                key = self.add_prefix(name)
                if key in data:
                    data[key] = _clean_pounds(data[key])
            self.data = data
        super().full_clean()

    def clean_academic_year(self) -> str:
        year = self.cleaned_data["academic_year"].strip()
        found = YEAR.match(year)
        if not found or (int(found[1]) + 1) % 100 != int(found[2]):
            raise forms.ValidationError("Enter the academic year as two years, like 2026/27.")
        return year

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("amount_kind")
        if kind == FIXED and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount for every student, in pounds.")
        if kind == BANDS:
            given = [band for band in IncomeBand.values if cleaned.get(f"band_{band}") is not None]
            if not given and not any(f"band_{band}" in self.errors for band in IncomeBand.values):
                self.add_error(
                    f"band_{IncomeBand.values[0]}",
                    "Enter an amount for at least one household income band.",
                )
        days = [cleaned.get(f"instalment_{n}") for n in range(1, INSTALMENT_FIELDS + 1)]
        typed = [day for day in days if day is not None]
        if not typed and not any(name.startswith("instalment_") for name in self.errors):
            self.add_error("instalment_1", "Enter the day of the first instalment.")
        for number, day in enumerate(days[1:], start=2):
            before = [d for d in days[: number - 1] if d is not None]
            if day is not None and before and day <= before[-1]:
                self.add_error(
                    f"instalment_{number}",
                    f"Enter a day after {before[-1].day} {before[-1]:%B %Y}: instalments are "
                    "paid in order.",
                )
        scheme, organisation = cleaned.get("scheme"), cleaned.get("organisation")
        if scheme and organisation and scheme.organisation_id != organisation.pk:
            self.add_error("scheme", "Choose a support scheme of the award scheme's provider.")
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """What the award scheme services take, from a valid form (amounts in pence)."""
        data = self.cleaned_data
        amount_pence, by_band = None, None
        if data["amount_kind"] == FIXED:
            amount_pence = int(data["amount"] * 100)
        else:
            by_band = {
                band: int(data[f"band_{band}"] * 100)
                for band in IncomeBand.values
                if data.get(f"band_{band}") is not None
            }
        days: list[date] = [
            data[f"instalment_{n}"]
            for n in range(1, INSTALMENT_FIELDS + 1)
            if data.get(f"instalment_{n}")
        ]
        return {
            "scheme": data["scheme"],
            "name": data["name"],
            "academic_year": data["academic_year"],
            "purpose": data["purpose"],
            "amount_pence": amount_pence,
            "amounts_by_income_band": by_band,
            "instalment_days": days,
        }

    @staticmethod
    def initial_for(award_scheme: AwardScheme) -> dict[str, Any]:
        """The form's values for an award scheme as it is (amounts in pounds)."""
        initial: dict[str, Any] = {
            "scheme": award_scheme.scheme_id,
            "name": award_scheme.name,
            "academic_year": award_scheme.academic_year,
            "purpose": award_scheme.purpose,
            "amount_kind": FIXED if award_scheme.amount_pence is not None else BANDS,
        }
        if award_scheme.amount_pence is not None:
            initial["amount"] = _in_pounds(award_scheme.amount_pence)
        for band, pence in (award_scheme.amounts_by_income_band or {}).items():
            initial[f"band_{band}"] = _in_pounds(int(pence))
        for number, day in enumerate(award_scheme.instalment_days or [], start=1):
            initial[f"instalment_{number}"] = date.fromisoformat(str(day))
        return initial


class StopAwardForm(forms.Form):
    reason = forms.CharField(
        label="Why the award stops",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The student is told it. Instalments not yet due are cancelled.",
        error_messages={"required": "Say why the award stops: the student is told it."},
    )


INSTALMENT_FILTERS = [("", "Every status"), *InstalmentStatus.choices]


class InstalmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=INSTALMENT_FILTERS,
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
