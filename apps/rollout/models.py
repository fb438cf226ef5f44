"""Rollout phases: small portions, each with a gate to pass before the next goes live."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation, Role, Team


class PhaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    LIVE = "live", _("Live")
    GATE_PASSED = "gate_passed", _("Gate passed")
    GATE_FAILED = "gate_failed", _("Gate failed")
    COMPLETED = "completed", _("Completed")


class RolloutPhase(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))
    teams = models.ManyToManyField(Team, blank=True, related_name="phases", verbose_name=_("teams"))
    roles = models.ManyToManyField(Role, blank=True, related_name="phases", verbose_name=_("roles"))
    planned_start = models.DateField(_("planned start"))
    go_live_on = models.DateField(_("go-live date"))
    status = models.CharField(_("status"), max_length=16, choices=PhaseStatus.choices, default=PhaseStatus.PLANNED)
    min_net_beneficiary_pct = models.PositiveSmallIntegerField(
        _("minimum share of net beneficiaries (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    min_quickwin_on_time_pct = models.PositiveSmallIntegerField(
        _("minimum share of quick wins on time (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    min_weeks_live = models.PositiveSmallIntegerField(_("minimum weeks live"), default=2)
    min_pulse_score = models.DecimalField(
        _("minimum mean pulse score (1–7)"), max_digits=3, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    min_impact_minutes = models.SmallIntegerField(
        _("minimum minutes a week saved compared with those not yet live"), null=True, blank=True,
        validators=[MinValueValidator(-600), MaxValueValidator(600)],
        help_text=_("Judged by the low end of the 95 % interval; empty: not a criterion."),
    )

    class Meta:
        verbose_name = _("rollout phase")
        verbose_name_plural = _("rollout phases")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="phase_unique_order"),
            models.CheckConstraint(condition=models.Q(min_net_beneficiary_pct__lte=100), name="phase_nb_pct_max"),
            models.CheckConstraint(condition=models.Q(min_quickwin_on_time_pct__lte=100), name="phase_qw_pct_max"),
            models.CheckConstraint(condition=models.Q(go_live_on__gte=models.F("planned_start")), name="phase_dates"),
            models.CheckConstraint(
                condition=models.Q(min_pulse_score__isnull=True)
                | models.Q(min_pulse_score__gte=1, min_pulse_score__lte=7),
                name="phase_pulse_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseEvent(models.Model):
    """The phase's history: status changes, gate evaluations and overrides with their reason."""

    phase = models.ForeignKey(RolloutPhase, on_delete=models.CASCADE, related_name="events")
    happened_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_status = models.CharField(_("from"), max_length=16, choices=PhaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=PhaseStatus.choices)
    is_override = models.BooleanField(_("override"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("phase event")
        verbose_name_plural = _("phase events")
        ordering = ["-happened_at"]

    def __str__(self) -> str:
        return f"{self.phase_id}: {self.from_status or '–'} → {self.to_status}"


class GateEvaluation(models.Model):
    """A phase's gate as measured on one day, stored so pages read it instead of recomputing.

    `values` holds one entry per criterion: value, target, passed (None when there was no
    data), and the counts behind the value; `misses` holds the aggregate story behind a
    missed net-beneficiary share (never names).
    """

    phase = models.ForeignKey(RolloutPhase, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_at = models.DateTimeField(_("evaluated at"))
    people = models.PositiveIntegerField(_("people covered"), default=0)
    values = models.JSONField(_("criteria"), default=dict)
    misses = models.JSONField(_("behind a miss"), default=dict, blank=True)
    passed = models.BooleanField(_("gate passed"))

    class Meta:
        verbose_name = _("gate evaluation")
        verbose_name_plural = _("gate evaluations")
        ordering = ["phase", "-evaluated_on"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "evaluated_on"], name="gateevaluation_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.phase} {self.evaluated_on}: {'passed' if self.passed else 'not passed'}"
