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
    usage_event = models.OneToOneField(
        "usage.UsageEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="campaign",
        # No database constraint: on PostgreSQL the usage log is partitioned (its key includes the month).
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="campaign_unique_name",
                                    violation_error_message=_("A campaign with this name already exists.")),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="campaign_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
