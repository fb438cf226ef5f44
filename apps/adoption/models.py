"""Adoption settings the project lead sets: who is left out, and how many seats are paid for."""

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


class SeatAllowance(models.Model):
    """How many paid CRM seats the organisation has: the denominator of seat utilisation."""

    organisation = models.OneToOneField(
        "roles.Organisation", on_delete=models.CASCADE, related_name="seat_allowance"
    )
    seats = models.PositiveIntegerField(_("paid seats"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("seat allowance")
        verbose_name_plural = _("seat allowances")
        constraints = [models.CheckConstraint(condition=models.Q(seats__gte=1), name="seatallowance_at_least_one")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.seats}"
