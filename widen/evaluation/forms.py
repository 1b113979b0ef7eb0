"""Forms for surveys and the question bank (plain HTML forms that work without JavaScript).

The answering page is not a Django form: its questions come from the survey, and the answers are
checked by `widen.evaluation.services.answer_values`, the one place that decides what is
acceptable (the same for the page, the at-event page and the API).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.activities.models import Activity, Session
from widen.evaluation.models import (
    QuestionKind,
    Scale,
    ScaleScoring,
    ScaleSource,
    Survey,
    SurveyTiming,
)
from widen.evaluation.services import ItemSpec
from widen.events.models import Event
from widen.organisations.models import Organisation, Partnership

REVERSE_MARK = "(R)"


class SurveyForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Run by")
    title = forms.CharField(max_length=200)
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Shown above the questions: what the survey is for and how answers are used.",
    )
    timing = forms.ChoiceField(
        choices=SurveyTiming.choices,
        label="When it is answered",
        help_text="Answers before and after the same activity pair up for each learner.",
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(), required=False, label="Activity"
    )
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label="Session",
        help_text="Only when the survey is for one session of the activity.",
    )
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, label="Event")
    pre_survey = forms.ModelChoiceField(
        queryset=Survey.objects.none(),
        required=False,
        label="Pairs with the survey before",
        help_text="For a survey after an activity: the survey learners answered before it.",
    )
    asks_publication_consent = forms.BooleanField(
        required=False,
        initial=True,
        label="Ask whether written answers may be quoted",
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            fields["organisation"].empty_label = None
        fields["activity"].queryset = Activity.objects.filter(partnership=partnership)
        fields["session"].queryset = Session.objects.filter(
            activity__partnership=partnership
        ).select_related("activity")
        fields["event"].queryset = Event.objects.filter(partnership=partnership)
        fields["pre_survey"].queryset = Survey.objects.filter(
            partnership=partnership, timing=SurveyTiming.PRE
        )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(value, label) for value, label in QuestionKind.choices if value != "scale_item"],
        label="Kind of question",
    )
    text = forms.CharField(max_length=500, label="Question")
    help_text = forms.CharField(max_length=300, required=False, label="Hint (optional)")
    required = forms.BooleanField(required=False, label="An answer is required")
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Choices",
        help_text="For single- and multiple-choice questions: one choice on each line.",
    )
    min_value = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, label="Lowest number (optional)"
    )
    max_value = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, label="Highest number (optional)"
    )

    def choice_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("choices", ""))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return self.cleaned_data.get("min_value"), self.cleaned_data.get("max_value")


class ScaleChoiceField(forms.ModelChoiceField[Scale]):
    def label_from_instance(self, obj: Scale) -> str:
        return f"{obj.name} (version {obj.version}, {obj.items.count()} items)"


class SurveyScaleForm(forms.Form):
    scale = ScaleChoiceField(
        queryset=Scale.objects.none(),
        label="Scale from the question bank",
        help_text="Its items are added in their order and wording, which cannot be changed.",
    )

    def __init__(self, *args: Any, scales: QuerySet[Scale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = scales  # type: ignore[attr-defined]


class ScaleForm(forms.Form):
    name = forms.CharField(max_length=160)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Description (optional)"
    )
    scoring = forms.ChoiceField(choices=ScaleScoring.choices)
    items = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Items",
        help_text=(
            f"One statement on each line, in the order asked. End a line with {REVERSE_MARK} "
            "when agreeing means less of what the scale measures (it is reverse-scored)."
        ),
    )
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Response options (optional)",
        help_text=(
            "One on each line as value=label, lowest first, like 1=Strongly disagree. Leave "
            "empty for the 5-point agreement options."
        ),
    )

    def item_specs(self) -> list[ItemSpec]:
        specs = []
        for line in _lines(self.cleaned_data.get("items", "")):
            reverse = line.upper().endswith(REVERSE_MARK)
            text = line[: -len(REVERSE_MARK)].strip() if reverse else line
            specs.append(ItemSpec(text=text, reverse_scored=reverse))
        return specs

    def clean_options(self) -> list[dict[str, Any]] | None:
        lines = _lines(self.cleaned_data.get("options", ""))
        if not lines:
            return None
        return parse_options(lines)


def parse_options(lines: list[str]) -> list[dict[str, Any]]:
    """Options written as "1=Strongly disagree" (one each); raises ValidationError naming the
    line that is not."""
    options = []
    for number, line in enumerate(lines, start=1):
        value, separator, label = line.partition("=")
        try:
            whole = int(value.strip())
        except ValueError:
            whole = None
        if not separator or whole is None or not label.strip():
            raise forms.ValidationError(
                f"Line {number} (“{line[:40]}”) should look like 1=Strongly disagree."
            )
        options.append({"value": whole, "label": " ".join(label.split())})
    return options


class ScaleUploadForm(forms.Form):
    items_file = forms.FileField(
        label="Spreadsheet of scale items",
        help_text=(
            "A .csv or .xlsx file with the columns scale, position and text, and optionally "
            "code, reverse_scored (yes or no), scoring (mean or sum) and options "
            "(like 1=Strongly disagree|2=Disagree|…)."
        ),
    )
    source = forms.ChoiceField(
        choices=[
            (ScaleSource.TASO_ASQ, ScaleSource.TASO_ASQ.label),
            (ScaleSource.PARTNERSHIP, ScaleSource.PARTNERSHIP.label),
        ],
        label="Where the items come from",
    )
