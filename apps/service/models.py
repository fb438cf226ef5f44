"""Service cases: what a customer asked for, through which channel, and whether it is solved."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.models import Account


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for the customer")
    SOLVED = "solved", _("Solved")


class CaseChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")


class Case(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="cases")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    channel = models.CharField(_("channel"), max_length=16, choices=CaseChannel.choices, default=CaseChannel.PHONE)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_opened")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    entry_seconds = models.PositiveIntegerField(_("entry time (seconds)"), null=True, blank=True)
    usage_event = models.OneToOneField(
        "usage.UsageEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="case",
        # No database constraint: on PostgreSQL the usage log is partitioned (its key includes the month).
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["account", "opened_at"], name="case_account_time")]
        constraints = [
            # A solved case says when; an unsolved one must not claim it was solved.
            models.CheckConstraint(
                condition=(models.Q(status="solved") & models.Q(solved_at__isnull=False))
                | (~models.Q(status="solved") & models.Q(solved_at__isnull=True)),
                name="case_solved_at_iff_solved",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
