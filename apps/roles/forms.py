"""The role form: shape only; the rules live in `services`."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS, RoleKind


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind of work"), choices=RoleKind.choices,
        help_text=_("Decides the person's home page: a rep's score, a service agent's customers, "
                    "a marketer's campaign results, a manager's team."),
    )
    entry_cap_seconds = forms.IntegerField(
        label=_("Entry time cap (seconds)"), initial=DEFAULT_ENTRY_CAP_SECONDS,
        help_text=_("A measured entry longer than this counts as this long (a form left open)."),
    )
    pulse_weight = forms.DecimalField(
        label=_("Weight of perceived value in the score"), max_digits=3, decimal_places=2, initial=Decimal("0.3"),
        help_text=_("0 to 1. The score blends the minutes balance with the pulse answers by this weight."),
    )
    suggestion_accepted_minutes = forms.DecimalField(
        label=_("Minutes per suggestion acted on"), max_digits=6, decimal_places=2, initial=Decimal("5"),
    )
    recognition_minutes = forms.DecimalField(
        label=_("Minutes per recognition received"), max_digits=6, decimal_places=2, initial=Decimal("3"),
    )
    wiifm = forms.CharField(
        label=_("What's in it for me"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the role's own words; shown on each new person's first page."),
    )
