"""Give-Get contracts per role, and the gets delivered to people."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Role
from apps.usage.kinds import EventKind


class DeliveryKind(models.TextChoices):
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")
    NEXT_ACTION = "next_action", _("Next-action suggestion")
    CUSTOMER_CONTEXT = "customer_context", _("Customer context in one view")
    CAMPAIGN_REPORT = "campaign_report", _("Closed-loop campaign report")
    COACHING_DIAGNOSTIC = "coaching_diagnostic", _("Coaching diagnostic")
    RECOGNITION = "recognition", _("Recognition (kudos)")
    QUICK_WIN = "quick_win", _("Quick win")
    CRM_REPORT = "crm_report", _("A report or dashboard in your CRM")


class Cadence(models.TextChoices):
    PER_OCCURRENCE = "per_occurrence", _("Each time")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class GiveGetContract(models.Model):
    """What a role gives (an event kind, minutes each) and what it gets back (a delivery kind)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="contracts")
    give_kind = models.CharField(_("give: event kind"), max_length=40, choices=EventKind.choices)
    give_expected_minutes = models.DecimalField(
        _("give: expected minutes per occurrence"), max_digits=6, decimal_places=2
    )
    get_kind = models.CharField(_("get: delivery kind"), max_length=40, choices=DeliveryKind.choices)
    get_minutes_saved = models.DecimalField(_("get: minutes it saves"), max_digits=6, decimal_places=2)
    get_crm_report = models.CharField(
        _("get: the CRM report or dashboard"), max_length=200, blank=True,
        help_text=_("For “A report or dashboard in your CRM”: its name or id as your CRM's usage log writes it. "
                    "Each time a person opens it counts as this get (at most once per cadence period)."),
    )
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence.choices, default=Cadence.WEEKLY)
    wiifm = models.TextField(_("what's in it for me"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Give-Get contract")
        verbose_name_plural = _("Give-Get contracts")
        constraints = [
            models.UniqueConstraint(fields=["role", "give_kind", "get_kind"], name="contract_unique_per_role"),
            models.CheckConstraint(condition=models.Q(give_expected_minutes__gt=0), name="contract_give_positive"),
            models.CheckConstraint(condition=models.Q(get_minutes_saved__gt=0), name="contract_get_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.get_give_kind_display()} → {self.get_get_kind_display()}"


class Delivery(models.Model):
    """A get delivered to a person, and whether they consumed it (opened, accepted)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=40, choices=DeliveryKind.choices)
    contract = models.ForeignKey(
        GiveGetContract, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    value_minutes = models.DecimalField(
        _("minutes it saves"), max_digits=6, decimal_places=2,
        help_text=_("Fixed when delivered, from the contract or the role's configured value."),
    )
    delivered_at = models.DateTimeField(_("delivered at"))
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["user", "consumed_at"], name="delivery_user_consumed"),
            models.Index(fields=["user", "delivered_at"], name="delivery_user_delivered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user_id}"


class ContractStatusKind(models.TextChoices):
    HONOURED = "honoured", _("Honoured")
    BROKEN = "broken", _("Broken by us")
    NOT_GIVING = "not_giving", _("Not giving")


class ContractStatus(models.Model):
    """One person's standing on one contract in one week, stored by the classification job."""

    contract = models.ForeignKey(GiveGetContract, on_delete=models.CASCADE, related_name="statuses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_statuses")
    period_start = models.DateField(_("week starting"))
    status = models.CharField(_("status"), max_length=16, choices=ContractStatusKind.choices)
    gave_count = models.PositiveIntegerField(_("times given"), default=0)
    delivered_count = models.PositiveIntegerField(_("gets delivered"), default=0)
    consumed_count = models.PositiveIntegerField(_("gets consumed"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("contract status")
        verbose_name_plural = _("contract statuses")
        constraints = [
            models.UniqueConstraint(fields=["contract", "user", "period_start"], name="contractstatus_unique"),
        ]
        indexes = [models.Index(fields=["contract", "period_start", "status"], name="contractstatus_period")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.contract_id} week of {self.period_start}: {self.status}"
