import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.forms import sign_shown_at
from apps.activities.models import Account
from apps.service import selectors
from apps.service.models import CaseChannel, CaseStatus


class CaseLogForm(forms.Form):
    account = forms.CharField(
        label=_("Customer account"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "account-names", "autocomplete": "off",
                                      "placeholder": _("Type a few letters of the name")}),
    )
    subject = forms.CharField(
        label=_("What does the customer need?"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Invoice shows the wrong VAT")}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=CaseChannel.choices, initial=CaseChannel.PHONE,
                                widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices, initial=CaseStatus.OPEN)
    description = forms.CharField(label=_("Details (optional)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    shown_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.fields["form_token"].initial = uuid.uuid4()
        self.fields["shown_at"].initial = sign_shown_at(timezone.now())

    def clean_account(self) -> Account:
        text: str = self.cleaned_data["account"]
        account, candidates = selectors.account_resolve(organisation_id=self.organisation_id, text=text)
        if account is not None:
            return account
        if candidates:
            raise forms.ValidationError(
                _("Several accounts match: %(names)s. Type more of the name."),
                params={"names": ", ".join(candidates)},
            )
        raise forms.ValidationError(_("No account matches “%(text)s”."), params={"text": text.strip()})


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(choices=CaseStatus.choices)
