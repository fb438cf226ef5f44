"""The charter editor: one form per data category, in a formset the project lead edits at once."""

from typing import Any

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from apps.trust.models import DataUseStatement
from apps.trust.services import CharterRow, duplicate_categories


class DataUseStatementForm(forms.ModelForm):
    class Meta:
        model = DataUseStatement
        fields = ["category", "used_for", "never_used_for", "order"]
        widgets = {
            "used_for": forms.Textarea(attrs={"rows": 3}),
            "never_used_for": forms.Textarea(attrs={"rows": 3}),
            "order": forms.NumberInput(attrs={"min": 0, "max": 32767}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False


def _removed(form: forms.BaseForm) -> bool:
    """Return whether the lead ticked "remove" on this line."""
    return bool(getattr(form, "cleaned_data", {}).get("DELETE"))


class BaseCharterFormSet(BaseModelFormSet):
    def clean(self) -> None:
        """Reject two lines with the same category (ignoring case, spaces and removed lines)."""
        super().clean()
        live = [
            f for f in self.forms
            if (f.has_changed() or f.instance.pk)
            and not _removed(f)
            and getattr(f, "cleaned_data", {}).get("category")
        ]
        duplicates = duplicate_categories([f.cleaned_data["category"] for f in live])
        if not duplicates:
            return
        for form in live:
            if " ".join(form.cleaned_data["category"].split()).casefold() in duplicates:
                form.add_error("category", _("This category is already in the charter."))
        raise forms.ValidationError(_("Each data category may appear only once."))

    def charter_rows(self) -> list[CharterRow]:
        """Return the charter as submitted: kept and new lines, without removed or empty ones."""
        rows = []
        for form in self.forms:
            if _removed(form) or not (form.has_changed() or form.instance.pk):
                continue
            data = form.cleaned_data
            rows.append(
                CharterRow(
                    category=data["category"],
                    used_for=data["used_for"],
                    never_used_for=data["never_used_for"],
                    order=data.get("order") or 0,
                    statement_id=form.instance.pk,
                )
            )
        return rows


CharterFormSet = modelformset_factory(
    DataUseStatement,
    form=DataUseStatementForm,
    formset=BaseCharterFormSet,
    extra=1,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


def _person_label(obj: Any) -> str:
    return f"{obj.get_full_name() or obj.get_username()} ({obj.get_username()})"


class ErasureForm(forms.Form):
    """Choose a person of the organisation to erase, and confirm by typing their user name."""

    user: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(queryset=None, label=_("Person"))  # type: ignore[arg-type]
    confirm = forms.CharField(label=_("Type their user name to confirm"), max_length=150)

    def __init__(self, *args: Any, organisation_id: int, lead_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        people = get_user_model().objects.filter(memberships__organisation_id=organisation_id).exclude(pk=lead_id)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people.exclude(username__startswith="erased-").order_by("first_name", "last_name", "username")
        field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if user is not None and data.get("confirm", "").strip() != user.get_username():
            message = _("Type the user name exactly as shown: %(name)s.") % {"name": user.get_username()}
            self.add_error("confirm", message)
        return data
