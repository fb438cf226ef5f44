import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.models import Account, ActivityType, Deal

SHOWN_AT_SALT = "activities.log.shown_at"


def sign_shown_at(moment: dt.datetime) -> str:
    return signing.dumps(moment.timestamp(), salt=SHOWN_AT_SALT)


def entry_seconds_from(token: str, now: dt.datetime) -> int | None:
    """Return seconds from form shown to saved, or None when the token is missing or forged."""
    try:
        shown = float(signing.loads(token, salt=SHOWN_AT_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return max(0, round(now.timestamp() - shown))


class ActivityLogForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices, widget=forms.RadioSelect)
    target = forms.CharField(label=_("Deal or account"), widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Outcome or next step"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Agreed demo next Tuesday")}),
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    shown_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, accounts: Any, deals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.deals = deals
        self.fields["form_token"].initial = uuid.uuid4()
        self.fields["shown_at"].initial = sign_shown_at(timezone.now())

    def clean_target(self) -> tuple[Account, Deal | None]:
        raw: str = self.cleaned_data["target"]
        kind, _sep, pk = raw.partition(":")
        if not pk.isdigit():
            raise forms.ValidationError(_("Pick a deal or an account."))
        if kind == "deal":
            deal = self.deals.select_related("account").filter(pk=int(pk)).first()
            if deal is None:
                raise forms.ValidationError(_("That deal is not one of your open deals."))
            if deal.account is None:
                raise forms.ValidationError(_("Give this deal an account first: an activity is with someone."))
            return deal.account, deal
        if kind == "account":
            account = self.accounts.filter(pk=int(pk)).first()
            if account is None:
                raise forms.ValidationError(_("That account does not exist in your organisation."))
            return account, None
        raise forms.ValidationError(_("Pick a deal or an account."))
