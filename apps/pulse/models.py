"""Pulse surveys: perceived usefulness and ease of use on a 1–7 scale (TAM)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation

LIKERT = [MinValueValidator(1), MaxValueValidator(7)]
# Asking more often than every two weeks wears people out and the answers turn into noise.
MIN_CADENCE_DAYS = 14


class PulseResponse(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_responses")
    answered_at = models.DateTimeField(_("answered at"))
    perceived_usefulness = models.DecimalField(
        _("perceived usefulness"), max_digits=3, decimal_places=2, validators=LIKERT
    )
    perceived_ease_of_use = models.DecimalField(
        _("perceived ease of use"), max_digits=3, decimal_places=2, validators=LIKERT
    )
    answers = models.JSONField(_("item answers"), default=dict, blank=True)
    # The form's token: submitting the same form twice stores one response.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("pulse response")
        verbose_name_plural = _("pulse responses")
        indexes = [models.Index(fields=["user", "answered_at"], name="pulse_user_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(perceived_usefulness__gte=1, perceived_usefulness__lte=7,
                                   perceived_ease_of_use__gte=1, perceived_ease_of_use__lte=7),
                name="pulse_likert_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answered_at:%Y-%m-%d}"


class PulseSkip(models.Model):
    """A person declined the check; they are not asked again until the next cadence."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_skips")
    skipped_at = models.DateTimeField(_("skipped at"))

    class Meta:
        verbose_name = _("pulse skip")
        verbose_name_plural = _("pulse skips")
        indexes = [models.Index(fields=["user", "skipped_at"], name="pulse_skip_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} skipped {self.skipped_at:%Y-%m-%d}"


class PulseSettings(models.Model):
    """How often an organisation asks its people the pulse check."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="pulse_settings")
    cadence_days = models.PositiveSmallIntegerField(
        _("days between checks"),
        default=MIN_CADENCE_DAYS,
        validators=[MinValueValidator(MIN_CADENCE_DAYS), MaxValueValidator(365)],
        help_text=_("At least 14: nobody is asked more often than every two weeks."),
    )
    enabled = models.BooleanField(_("ask people the pulse check"), default=True)

    class Meta:
        verbose_name = _("pulse settings")
        verbose_name_plural = _("pulse settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=MIN_CADENCE_DAYS), name="pulse_cadence_min_14_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: every {self.cadence_days} days"
