"""Forms for the import flow: the upload, and the column mapping. Shape only; rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.imports.models import ImportJob, ImportKind, UnknownAccounts
from apps.imports.rows import FieldSpec
from apps.imports.services import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Up to %(mb)s MB. CSV files may use ; or , between columns.") % {
            "mb": MAX_UPLOAD_BYTES // 1024 // 1024},
    )
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect,
                             initial=ImportKind.ACTIVITIES)

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if not name.endswith(tuple(f".{e}" for e in ALLOWED_EXTENSIONS)):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is %(size)s MB; the limit is %(limit)s MB.") % {
                "size": round(uploaded.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024})
        return uploaded


class MappingForm(forms.Form):
    """One select per detected column (which field it holds), and the unknown-account policy."""

    unknown_accounts = forms.ChoiceField(
        label=_("When a row names an account the CRM does not know"), choices=UnknownAccounts.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, job: ImportJob, fields: list[FieldSpec], **kwargs: Any) -> None:
        column_of = {int(index): name for name, index in job.mapping.items()}
        kwargs.setdefault("initial", {
            "unknown_accounts": job.unknown_accounts,
            **{f"column_{i}": column_of.get(i, "") for i in range(len(job.columns))},
        })
        super().__init__(*args, **kwargs)
        if job.kind != ImportKind.DEALS:  # an activity is always with an account
            self.fields["unknown_accounts"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in UnknownAccounts.choices if value != UnknownAccounts.LEAVE_EMPTY
            ]
        self.fields_spec = fields
        choices = [("", _("— do not import —"))] + [
            (spec.name, f"{spec.label}{'' if not spec.required else ' *'}") for spec in fields
        ]
        for index, column in enumerate(job.columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(label=column, choices=choices, required=False)

    def column_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("column_")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[str, str] = {}
        for name in self.fields:
            field_name = cleaned.get(name) if name.startswith("column_") else None
            if not field_name:
                continue
            if field_name in chosen:
                label = next(str(s.label) for s in self.fields_spec if s.name == field_name)
                self.add_error(name, _("“%(field)s” is already chosen for column “%(column)s”.") % {
                    "field": label, "column": self.fields[chosen[field_name]].label})
            else:
                chosen[field_name] = name
        cleaned["mapping"] = {field_name: int(name.split("_", 1)[1]) for field_name, name in chosen.items()}
        return cleaned
