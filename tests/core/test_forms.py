"""Saving a form through a service: every reason shown where it belongs, what was typed kept."""

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import form_saved


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def _refuse(errors: dict[str, list[str]] | str):
    def save(data: dict[str, object]) -> None:
        raise ValidationError(errors)
    return save


def test_a_valid_form_is_handed_to_the_service() -> None:
    seen: list[dict[str, object]] = []
    assert form_saved(NameForm({"name": "Mette"}), seen.append)
    assert seen == [{"name": "Mette"}]


def test_an_invalid_form_never_reaches_the_service() -> None:
    seen: list[dict[str, object]] = []
    form = NameForm({"name": "x" * 11})
    assert not form_saved(form, seen.append)
    assert seen == []
    assert form["name"].value() == "x" * 11


def test_service_errors_land_beside_their_field_or_above_the_form() -> None:
    form = NameForm({"name": "Mette"})
    assert not form_saved(form, _refuse({"name": ["Taken."], "organisation": ["Not yours."]}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not yours."]
    assert form["name"].value() == "Mette"


def test_a_plain_service_error_is_shown_above_the_form() -> None:
    form = NameForm({"name": "Mette"})
    assert not form_saved(form, _refuse("Try again later."))
    assert form.non_field_errors() == ["Try again later."]
