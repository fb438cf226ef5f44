"""Integration keys of an organisation, and events held for identities nobody is mapped to yet."""

from django.conf import settings
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


class UsageImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def usage_import_path(instance: "UsageImport", filename: str) -> str:
    return f"crm-usage/{instance.organisation_id}/{filename}"


class UsageImport(models.Model):
    """One uploaded CRM log file: previewed, then imported in chunks by a worker with progress.

    Re-running it (a worker killed mid-file, or the same file uploaded again) adds nothing twice:
    every row has an idempotency key in the usage log.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="usage_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    format = models.CharField(_("format"), max_length=40)
    options = models.JSONField(_("columns and type mapping"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=usage_import_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=UsageImportStatus.choices,
                              default=UsageImportStatus.PREVIEWED)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(_("first problems"), default=list, blank=True)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CRM usage import")
        verbose_name_plural = _("CRM usage imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"

    @property
    def percent_done(self) -> int:
        return 100 if not self.rows_total else min(100, round(100 * self.rows_done / self.rows_total))
