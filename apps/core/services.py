"""Writes shared by every app: updating a model from keyword fields (HackSoft's `model_update`)."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


def model_update(*, instance: ModelT, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[ModelT, bool]:
    """Set `fields` of `instance` from `data`; validate and save only the fields that changed.

    Fields missing from `data` are left alone; many-to-many fields are `set()` after the save.
    Runs `full_clean()` (raising ValidationError, saving nothing) and a narrow
    `save(update_fields=[...])` only when a value changed. Return the instance and whether
    anything changed.
    """
    model_fields = {field.name: field for field in instance._meta.get_fields()}
    changed: list[str] = []
    many_to_many: dict[str, Any] = {}
    for name in fields:
        if name not in data:
            continue
        field = model_fields.get(name)
        if field is None:
            raise ValueError(f"{type(instance).__name__} has no field {name!r}.")
        if isinstance(field, models.ManyToManyField):
            many_to_many[name] = data[name]
            continue
        if getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    for name, value in many_to_many.items():
        getattr(instance, name).set(value)
    return instance, bool(changed or many_to_many)
