"""Per-person adoption settings the project lead sets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExcludedPerson(models.Model):
    """A person the lead marks as an internal or test user: left out of every adoption figure."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adoption_exclusion")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("internal or test user")
        verbose_name_plural = _("internal or test users")

    def __str__(self) -> str:
        return str(self.user)
