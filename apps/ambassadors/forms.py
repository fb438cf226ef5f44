import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.ambassadors.models import KUDOS_MAX_LENGTH


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class KudosForm(forms.Form):
    receiver = ColleagueChoiceField(
        label=_("Colleague"),
        queryset=None,
        empty_label=_("Choose a colleague (type a name to jump)"),
        error_messages={"required": _("Choose the colleague the kudos are for."),
                        "invalid_choice": _("Choose a colleague from your organisation.")},
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=KUDOS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": KUDOS_MAX_LENGTH, "aria-describedby": "message-help"}),
        help_text=_("What did they do that helped? At most 280 characters."),
        error_messages={"required": _("Write a short message saying what you appreciate."),
                        "max_length": _("Keep the message to %(limit_value)d characters (it has %(show_value)d).")},
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, colleagues: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["form_token"].initial = uuid.uuid4()


class NominationForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    user = forms.IntegerField(
        label=_("Team member"), error_messages={"required": _("Choose a team member to nominate.")}
    )


class PilotForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    go_live_on = forms.DateField(
        label=_("Pilot go-live"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2025-03-31.")},
    )
