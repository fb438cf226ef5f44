import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.forms import sign_shown_at
from apps.activities.models import Deal


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on (optional)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    budget = forms.DecimalField(label=_("Budget"), max_digits=14, decimal_places=2, initial=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    shown_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4()
        self.fields["shown_at"].initial = sign_shown_at(timezone.now())


class AttributionForm(forms.Form):
    """The deals listed on the page, and which of them are ticked for the campaign."""

    deals = forms.ModelMultipleChoiceField(queryset=Deal.objects.none(), required=False)
    listed = forms.ModelMultipleChoiceField(queryset=Deal.objects.none())

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_deals = Deal.objects.filter(account__organisation_id=organisation_id)
        self.fields["deals"].queryset = organisation_deals  # type: ignore[attr-defined]
        self.fields["listed"].queryset = organisation_deals  # type: ignore[attr-defined]
