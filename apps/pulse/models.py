"""Pulse surveys: perceived usefulness and ease of use on a 1–7 scale (TAM)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LIKERT = [MinValueValidator(1), MaxValueValidator(7)]


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
