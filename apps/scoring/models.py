"""Net Beneficiary snapshots: one row per person and week, with every component kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NetStatus(models.TextChoices):
    THRIVING = "thriving", _("Thriving")
    AT_RISK = "at_risk", _("At risk")
    NET_LOSER = "net_loser", _("Net loser")
    # Gave nothing in the window but got something: reads what others log; the CRM cannot serve them yet.
    NOT_CONTRIBUTING = "not_contributing", _("Not contributing")
    INACTIVE = "inactive", _("Inactive")


# The statuses that count as a net beneficiary in every share (gates, phases, dashboards).
NET_BENEFICIARY_STATUSES: frozenset[str] = frozenset({NetStatus.THRIVING, NetStatus.AT_RISK})


class ScoreSnapshot(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="score_snapshots")
    period_start = models.DateField(_("week starting"))
    # This week alone.
    give_minutes = models.DecimalField(_("give (minutes)"), max_digits=10, decimal_places=2)
    get_minutes = models.DecimalField(_("get (minutes)"), max_digits=10, decimal_places=2)
    # The rolling four weeks ending with this week: what the score and status are based on.
    rolling_give_minutes = models.DecimalField(_("give, 4 weeks (minutes)"), max_digits=10, decimal_places=2)
    rolling_get_minutes = models.DecimalField(_("get, 4 weeks (minutes)"), max_digits=10, decimal_places=2)
    net_minutes = models.DecimalField(_("net minutes, 4 weeks"), max_digits=10, decimal_places=2)
    nb_index = models.DecimalField(_("Net Beneficiary index"), max_digits=5, decimal_places=4)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    pulse_usefulness = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    pulse_ease_of_use = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=NetStatus.choices)
    components = models.JSONField(_("components"), default=dict)
    is_closed = models.BooleanField(_("period closed"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        ordering = ["user", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period_start"], name="snapshot_unique_user_week"),
            models.CheckConstraint(condition=models.Q(nb_index__gte=-1, nb_index__lte=1), name="snapshot_index_range"),
        ]
        indexes = [models.Index(fields=["period_start", "status"], name="snapshot_week_status")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period_start}: {self.score}"


class HistoryBackfill(models.Model):
    """A person's weeks older than the refresh horizon that still have to be scored.

    A refresh scores the last `MAX_BACKFILL_WEEKS` at once so a new event reaches its score in
    seconds; imported history older than that is written here in the same transaction and scored
    by the backfill job, so it survives a broker outage and a killed worker.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="score_backfill"
    )
    first_monday = models.DateField(_("score from the week starting"))
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("history to score")
        verbose_name_plural = _("history to score")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.user_id} from {self.first_monday}"
