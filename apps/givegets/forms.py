"""The contract form: shape only; the rules (positive minutes, one per role/give/get) live in services."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.givegets.models import Cadence, DeliveryKind
from apps.usage.kinds import EventKind

BLANK = [("", "—")]


class ContractForm(forms.Form):
    role: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Role"), queryset=None, empty_label="—",
        error_messages={"required": _("Choose the role this contract is for.")},
    )
    give_kind = forms.ChoiceField(
        label=_("Give: what the role logs"), choices=BLANK + list(EventKind.choices),
        error_messages={
            "required": _("A contract needs a give: choose the event kind this role logs."),
            "invalid_choice": _("That is not an event kind we record."),
        },
    )
    give_expected_minutes = forms.DecimalField(
        label=_("Expected minutes per occurrence"), max_digits=6, decimal_places=2,
        error_messages={"required": _("Say how many minutes one occurrence is expected to take.")},
    )
    get_kind = forms.ChoiceField(
        label=_("Get: what the role gets back"), choices=BLANK + list(DeliveryKind.choices),
        error_messages={
            "required": _("A contract needs a get: choose what this role gets back."),
            "invalid_choice": _("That is not a delivery kind we know."),
        },
    )
    get_minutes_saved = forms.DecimalField(
        label=_("Minutes it saves"), max_digits=6, decimal_places=2,
        error_messages={"required": _("Say how many minutes the get saves the person.")},
    )
    get_crm_report = forms.CharField(
        label=_("The CRM report or dashboard (only for a CRM report get)"), required=False, max_length=200,
        help_text=_("Its name or id as your CRM's usage log writes it, e.g. “Pipeline by stage” or 00O5g000004XyZ."),
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices, initial=Cadence.WEEKLY)
    wiifm = forms.CharField(
        label=_("What's in it for me, in plain words"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Written to the person, e.g. “5 minutes per logged meeting gives you an automatic weekly "
                    "report – save an hour.”"),
    )

    def __init__(self, *args: Any, roles: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
