"""Trust: who looked at whose data, and what data is used for (and never used for)."""

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation
from apps.trust.audit import AuditEntryManager


class AccessRecord(models.Model):
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accesses_made")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accesses_received")
    viewed_at = models.DateTimeField(_("viewed at"))
    what = models.CharField(_("what was viewed"), max_length=200)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["subject", "viewed_at"], name="access_subject_time")]

    def __str__(self) -> str:
        return f"{self.viewer_id} looked at {self.subject_id}'s {self.what} at {self.viewed_at:%Y-%m-%d %H:%M}"


class DataUseStatement(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="data_use_statements")
    category = models.CharField(_("data category"), max_length=200)
    used_for = models.TextField(_("used for"))
    never_used_for = models.TextField(_("never used for"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("data-use statement")
        verbose_name_plural = _("data-use statements")
        ordering = ["order", "category"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="datause_unique_category"),
        ]

    def __str__(self) -> str:
        return self.category


class AuditEntry(AbstractLogEntry):
    """Who changed which configuration or membership, when, with old and new values (django-auditlog)."""

    # django-auditlog ships no type hints, so the field is annotated by hand.
    organisation: "models.ForeignKey[Organisation | None, Organisation | None]" = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
    )

    objects = AuditEntryManager()  # type: ignore[misc]

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["organisation", "timestamp"], name="trust_audit_org_time")]
