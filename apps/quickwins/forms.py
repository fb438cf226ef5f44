"""The milestone form: shape only; the rules live in services."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.usage.kinds import EventKind


class MilestoneForm(forms.Form):
    role: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Role"), queryset=None, empty_label="—",
        error_messages={"required": _("Choose the role this milestone is for.")},
    )
    name = forms.CharField(
        label=_("Name"), max_length=200,
        error_messages={"required": _("Give the milestone a name people will recognise.")},
    )
    event_kind = forms.ChoiceField(
        label=_("Achieved by (event kind)"), choices=[("", "—"), *EventKind.choices],
        error_messages={
            "required": _("Choose the event that achieves this milestone."),
            "invalid_choice": _("“%(value)s” is not an event kind we record; choose one from the list."),
        },
    )
    due_days = forms.IntegerField(
        label=_("Due days after go-live"), initial=7,
        error_messages={"required": _("Say how many days after go-live the milestone is due.")},
    )

    def __init__(self, *args: Any, roles: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
