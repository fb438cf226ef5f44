"""Saving a form through a service, the one way pages do it: errors land on the form, nothing typed is lost."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def service_errors_add(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, or above the form for any other.

    A message the form already shows for that field is not shown twice.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            if target is None or message not in form.errors.get(target, []):
                form.add_error(target, message)


def form_saved(form: forms.BaseForm, save: Callable[[dict[str, Any]], object]) -> bool:
    """Validate a bound form and hand its cleaned data to `save`; return whether it was saved.

    An invalid form, or a ValidationError from the service, leaves the form bound with what was
    typed and the reasons shown (see `service_errors_add`); the caller renders it again.
    """
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        service_errors_add(form, error)
        return False
    return True
