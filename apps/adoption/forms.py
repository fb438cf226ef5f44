"""Adoption forms: the period picker, the lead's group picker, and the seats the organisation pays for."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERIOD_DAYS = (30, 90, 180)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class ReportPeriod:
    first_day: dt.date
    last_day: dt.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"), coerce=int, initial=DEFAULT_DAYS, required=False,
        choices=[(d, _("Last %(days)s days") % {"days": d}) for d in PERIOD_DAYS],
    )
    end = forms.DateField(label=_("Ending on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, scopes: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scopes is not None:
            self.fields["scope"] = forms.ChoiceField(label=_("People"), choices=scopes, required=False)
            self.order_fields(["scope", "days", "end"])

    def clean_end(self) -> dt.date | None:
        end: dt.date | None = self.cleaned_data.get("end")
        if end is not None and end > timezone.localdate():
            raise ValidationError(_("The period cannot end in the future."))
        return end

    def period(self) -> ReportPeriod:
        """Return the chosen period; the default (last 30 days to today) when the choice is invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        last_day = data.get("end") or timezone.localdate()
        days = data.get("days") or DEFAULT_DAYS
        return ReportPeriod(first_day=last_day - dt.timedelta(days=days - 1), last_day=last_day)

    def scope(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return str(data.get("scope") or "")


class SeatsForm(forms.Form):
    seats = forms.IntegerField(
        label=_("Paid seats"), min_value=1, max_value=1_000_000,
        help_text=_("How many CRM licences the organisation pays for. Deactivated people are never counted."),
    )
