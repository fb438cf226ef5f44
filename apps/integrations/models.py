"""Integration keys of an organisation, and events held for identities nobody is mapped to yet."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from apps.identities.sources import IdentitySource
from apps.roles.models import Organisation


class KeyScope(models.TextChoices):
    EVENTS_WRITE = "events:write", _("Send usage events")
    READ = "read", _("Read")


class IntegrationKey(AbstractAPIKey):
    """A named, scoped, revocable key for a script or CRM integration (only its hash is stored)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="integration_keys")
    scopes = models.JSONField(_("scopes"), default=list)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("integration key")  # type: ignore[assignment]
        verbose_name_plural = _("integration keys")  # type: ignore[assignment]


class HeldEvent(models.Model):
    """An event for an identity nobody is mapped to yet; replayed into the log once mapped."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="held_events")
    identity_source = models.CharField(_("system"), max_length=20, choices=IdentitySource.choices)
    external_id = models.CharField(_("id in that system"), max_length=255)
    kind = models.CharField(_("kind"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"))
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=20)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    metadata = models.JSONField(default=dict, blank=True)
    held_at = models.DateTimeField(auto_now_add=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("held event")
        verbose_name_plural = _("held events")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "idempotency_key"], name="heldevent_idempotent_per_org",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "identity_source", "external_id"], name="held_identity")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.identity_source}:{self.external_id}"
