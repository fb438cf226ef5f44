"""A person's ids in other systems, so a CRM's own logs can be attributed to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.identities.sources import IdentitySource
from apps.roles.models import Organisation


class ExternalIdentity(models.Model):
    """One id of one person in one other system (stored in its canonical form, see normalise.py)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="external_identities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    source = models.CharField(_("system"), max_length=20, choices=IdentitySource.choices)
    external_id = models.CharField(_("id in that system"), max_length=255)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["source", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "external_id"], name="externalidentity_unique_per_org",
            ),
        ]
        indexes = [models.Index(fields=["user", "source"], name="identity_user_source")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.external_id}"
