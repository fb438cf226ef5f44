"""Kudos: short recognition from one colleague to another; receiving it counts as a get."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.givegets.models import Delivery
from apps.roles.models import Organisation

KUDOS_MAX_LENGTH = 280
KUDOS_PER_DAY = 5


class Kudos(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kudos")
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given")
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received")
    message = models.CharField(_("message"), max_length=KUDOS_MAX_LENGTH)
    created_at = models.DateTimeField(_("given at"))
    # The recognition get; consumed when the receiver reads it.
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="kudos"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["giver", "created_at"], name="kudos_giver_time"),
            models.Index(fields=["receiver", "created_at"], name="kudos_receiver_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(giver=models.F("receiver")), name="kudos_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.receiver_id}"
