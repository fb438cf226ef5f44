"""Marketing campaigns that deals are attributed to (closed-loop reporting)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation


class Campaign(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="campaign_unique_name")]

    def __str__(self) -> str:
        return self.name
