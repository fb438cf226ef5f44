"""Weekly digests: what each person was sent about their week, and whether they opened it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Digest(models.Model):
    """One person's digest of one week. `content` is the snapshot of exactly what was sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField(_("week starting"))
    content = models.JSONField(_("content"), default=dict)
    built_at = models.DateTimeField(_("built at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    delivery = models.OneToOneField(
        "givegets.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="digest"
    )

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week_start"]
        constraints = [models.UniqueConstraint(fields=["user", "week_start"], name="digest_one_per_user_week")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week_start}"
