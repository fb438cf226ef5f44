"""The minimal CRM that people log into: accounts, deals in stages, and activities."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation


class Account(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="accounts")
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="account_unique_name")]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A step of the sales process, with what usually comes next and when a deal is cold."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"))
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    next_step = models.CharField(
        _("usual next step"), max_length=200, blank=True,
        help_text=_("Suggested after an activity on a deal in this stage."),
    )
    idle_days = models.PositiveSmallIntegerField(
        _("days before a deal here is cold"), default=14
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["organisation", "order"], name="stage_unique_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Deal(models.Model):
    """A deal in a stage. Its organisation is its stage's; an imported deal may have no account.

    `engaged_on` and `stage_entered_at` are unknown (None) when an import did not state them:
    no figure is derived from a date nobody knows.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="deals"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deals")
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    product = models.CharField(_("product"), max_length=200, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now, null=True, blank=True)
    engaged_on = models.DateField(_("engaged on"), default=timezone.localdate, null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-last_activity_at", "name"]
        indexes = [models.Index(fields=["owner", "stage"], name="deal_owner_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def account_name(self) -> str:
        return self.account.name if self.account is not None else ""


class DealStageChange(models.Model):
    """Every move of a deal between stages: the source of days-in-stage diagnostics."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))
    seconds_in_from_stage = models.PositiveIntegerField(
        _("seconds spent in the previous stage"), null=True, blank=True
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("deal stage change")
        verbose_name_plural = _("deal stage changes")
        ordering = ["changed_at"]
        indexes = [models.Index(fields=["deal", "changed_at"], name="stagechange_deal_time")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")


class Activity(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    type = models.CharField(_("type"), max_length=16, choices=ActivityType.choices)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="activities")
    deal = models.ForeignKey(Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    summary = models.CharField(_("outcome or next step"), max_length=500)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    entry_seconds = models.PositiveIntegerField(_("entry time (seconds)"), null=True, blank=True)
    usage_event = models.OneToOneField(
        "usage.UsageEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="activity",
        # No database constraint: on PostgreSQL the usage log is partitioned (its key includes the month).
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["owner", "occurred_at"], name="activity_owner_time")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.summary[:40]}"
