"""Reading the one audit trail in tests: the entries about a model, one object, or one person."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from apps.trust.models import AuditEntry


def trail(model: type[models.Model], object_id: int | None = None) -> QuerySet[AuditEntry]:
    """Return the trail's entries about objects of `model` (or one of them), oldest first."""
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if object_id is not None:
        entries = entries.filter(object_pk=str(object_id))
    return entries.order_by("pk")


def about_person(user_id: int) -> QuerySet[AuditEntry]:
    """Return every entry about one person (their account, role, teams), oldest first."""
    return AuditEntry.objects.filter(additional_data__user_id=user_id).order_by("pk")
