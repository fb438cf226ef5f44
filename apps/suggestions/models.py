"""Next-action suggestions shown to a person, and what they did with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class Suggestion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions")
    rule = models.CharField(_("rule"), max_length=60)
    text = models.CharField(_("suggestion"), max_length=300)
    reason = models.CharField(_("why"), max_length=300)
    deal = models.ForeignKey("activities.Deal", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    account = models.ForeignKey("activities.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("suggested at"))
    status = models.CharField(_("status"), max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    delivery = models.OneToOneField(
        "givegets.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestion"
    )

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "status"], name="suggestion_user_status")]

    def __str__(self) -> str:
        return self.text
