from __future__ import annotations

from typing import Any

from django import forms

from widen.notifications.models import OPTIONAL_CATEGORIES


class PreferencesForm(forms.Form):
    """One tick box for each optional category: ticked, it is e-mailed and listed."""

    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in OPTIONAL_CATEGORIES:
            self.fields[category.value] = forms.BooleanField(
                label=category.label, required=False, initial=current.get(category.value, True)
            )
