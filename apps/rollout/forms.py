"""Phase forms: they check shapes and ranges field by field; the services check the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation, Role, Team
from apps.rollout.models import RolloutPhase
from apps.rollout.services import MIN_OVERRIDE_REASON_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput())
    go_live_on = forms.DateField(label=_("Go-live date"), widget=DateInput())
    min_net_beneficiary_pct = forms.IntegerField(
        label=_("Minimum share of net beneficiaries (%)"), initial=70,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    min_quickwin_on_time_pct = forms.IntegerField(
        label=_("Minimum share of quick wins on time (%)"), initial=80,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    min_weeks_live = forms.IntegerField(label=_("Minimum weeks live"), min_value=0, max_value=52, initial=2)
    min_pulse_score = forms.DecimalField(
        label=_("Minimum mean pulse score (1–7, optional)"), required=False, max_digits=3, decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 1, "max": 7, "step": "0.1"}),
    )

    min_impact_minutes = forms.IntegerField(
        label=_("Minimum minutes a week saved per person, compared with those not yet live (optional)"),
        required=False, min_value=-600, max_value=600,
        help_text=_("The phase passes this when even the low end of the 95 % interval reaches it (0: it saved "
                    "time, with confidence). Needs teams not yet live to compare with."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation).order_by("name")  # type: ignore[attr-defined]
        self.fields["roles"].queryset = Role.objects.filter(organisation=organisation).order_by("name")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(phase: RolloutPhase) -> dict[str, Any]:
        return {
            "name": phase.name, "teams": list(phase.teams.all()), "roles": list(phase.roles.all()),
            "planned_start": phase.planned_start, "go_live_on": phase.go_live_on,
            "min_net_beneficiary_pct": phase.min_net_beneficiary_pct,
            "min_quickwin_on_time_pct": phase.min_quickwin_on_time_pct,
            "min_weeks_live": phase.min_weeks_live, "min_pulse_score": phase.min_pulse_score,
            "min_impact_minutes": phase.min_impact_minutes,
        }

    # Range checks by hand: Django's min/max messages are %-formatted, which a "%" sign breaks.
    def _share(self, field: str) -> int:
        value: int = self.cleaned_data[field]
        if not 0 <= value <= 100:
            raise ValidationError(_("Enter a share between 0 and 100 %."))
        return value

    def clean_min_net_beneficiary_pct(self) -> int:
        return self._share("min_net_beneficiary_pct")

    def clean_min_quickwin_on_time_pct(self) -> int:
        return self._share("min_quickwin_on_time_pct")

    def clean_min_pulse_score(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data["min_pulse_score"]
        if value is not None and not Decimal(1) <= value <= Decimal(7):
            raise ValidationError(_("Enter a pulse score between 1 and 7, or leave it empty."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, go_live = cleaned.get("planned_start"), cleaned.get("go_live_on")
        if start and go_live and go_live < start:
            self.add_error("go_live_on", _("The go-live date cannot be before the planned start."))
        return cleaned


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why go ahead without a passed gate?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if len(reason) < MIN_OVERRIDE_REASON_LENGTH:
            raise ValidationError(
                _("Give a reason of at least %(count)s characters."), params={"count": MIN_OVERRIDE_REASON_LENGTH}
            )
        return reason
