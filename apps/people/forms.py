from django import forms
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Role, Team


class PersonAddForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    new_team = forms.CharField(label=_("…or a new team"), max_length=100, required=False)
    is_manager = forms.BooleanField(label=_("Manages the team"), required=False)

    def __init__(self, *args: object, organisation_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].queryset = Role.objects.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]


class RoleSetForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none())

    def __init__(self, *args: object, organisation_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].queryset = Role.objects.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]


class TeamSetForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    new_team = forms.CharField(label=_("…or a new team"), max_length=100, required=False)
    is_manager = forms.BooleanField(label=_("Manages the team"), required=False)

    def __init__(self, *args: object, organisation_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["team"].queryset = Team.objects.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("team") and not (data.get("new_team") or "").strip():
            raise forms.ValidationError(_("Choose a team or name a new one."))
        return data


class PeopleUploadForm(forms.Form):
    file = forms.FileField(label=_("People file (.csv or .xlsx)"))


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    order = forms.IntegerField(label=_("Position"), min_value=1,
                               help_text=_("Stages are shown in this order; open stages usually come first."))
    outcome = forms.ChoiceField(
        label=_("Open, won or lost"), widget=forms.RadioSelect,
        choices=[("open", _("Open")), ("won", _("Won")), ("lost", _("Lost"))],
    )
    next_step = forms.CharField(label=_("Usual next step"), max_length=200, required=False,
                                help_text=_("Suggested after an activity on a deal in this stage."))
    idle_days = forms.IntegerField(label=_("Days before a deal here is cold"), min_value=1, initial=14)
