import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.pulse.items import PULSE_ITEMS, SCALE_MAX, SCALE_MIN
from apps.pulse.models import MIN_CADENCE_DAYS

SCALE_CHOICES = [(value, str(value)) for value in range(SCALE_MIN, SCALE_MAX + 1)]


class PulseCheckForm(forms.Form):
    """One 1–7 radio scale per item, plus a token so a double submit stores one answer."""

    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4()
        for item in PULSE_ITEMS:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text,
                choices=SCALE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pick a number from 1 to 7 for this statement.")},
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item.key] for item in PULSE_ITEMS]

    def answers(self) -> dict[str, int]:
        return {item.key: self.cleaned_data[item.key] for item in PULSE_ITEMS}


class PulseSettingsForm(forms.Form):
    cadence_days = forms.IntegerField(
        label=_("Days between checks"),
        min_value=MIN_CADENCE_DAYS,
        max_value=365,
        help_text=_("At least 14: nobody is asked more often than every two weeks."),
        error_messages={
            "min_value": _("Leave at least %(limit_value)s days between checks: asking more often wears people out."),
            "required": _("Enter the number of days between checks."),
            "invalid": _("Enter a whole number of days."),
        },
    )
    enabled = forms.BooleanField(label=_("Ask people the pulse check"), required=False)
