"""Week-one quick wins per role, and each person's stored result."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Role
from apps.usage.kinds import EventKind


class QuickWinMilestone(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="quickwin_milestones")
    name = models.CharField(_("name"), max_length=200)
    event_kind = models.CharField(_("achieved by"), max_length=40, choices=EventKind.choices)
    due_days = models.PositiveSmallIntegerField(_("due days after go-live"), default=7)

    class Meta:
        verbose_name = _("quick-win milestone")
        verbose_name_plural = _("quick-win milestones")
        constraints = [
            models.UniqueConstraint(fields=["role", "event_kind"], name="quickwin_unique_kind_per_role"),
            models.CheckConstraint(condition=models.Q(due_days__gte=1), name="quickwin_due_days_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class QuickWinStatus(models.TextChoices):
    ON_TIME = "on_time", _("Achieved on time")
    LATE = "late", _("Achieved late")
    PENDING = "pending", _("Pending")
    MISSED = "missed", _("Missed")


class QuickWinResult(models.Model):
    """A person's progress on a milestone, stored by the refresh job for pages to read."""

    milestone = models.ForeignKey(QuickWinMilestone, on_delete=models.CASCADE, related_name="results")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quickwin_results")
    go_live_on = models.DateField(_("go-live date"))
    due_on = models.DateField(_("due on"))
    achieved_at = models.DateTimeField(_("achieved at"), null=True, blank=True)
    days_to_first_value = models.PositiveSmallIntegerField(
        _("days from go-live to achievement"), null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=QuickWinStatus.choices)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("quick-win result")
        verbose_name_plural = _("quick-win results")
        constraints = [models.UniqueConstraint(fields=["milestone", "user"], name="quickwinresult_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.milestone}: {self.status}"


class NudgeKind(models.TextChoices):
    DEADLINE_SOON = "deadline_soon", _("Your quick-win deadline is close")
    AMBASSADOR_DEADLINE_SOON = "ambassador_deadline_soon", _("A colleague's quick-win deadline is close")


class Nudge(models.Model):
    """An in-app reminder; `dedupe_key` makes the job that creates it safe to run again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges")
    milestone = models.ForeignKey(QuickWinMilestone, on_delete=models.CASCADE, related_name="nudges")
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_about",
        help_text=_("The person whose deadline it is (the recipient themself, or a colleague for ambassadors)."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NudgeKind.choices)
    due_on = models.DateField(_("due on"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        indexes = [models.Index(fields=["user", "read_at"], name="nudge_user_read")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id}: {self.text}"
