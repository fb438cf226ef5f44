"""Next-action suggestions shown to a person, what they did with them, and the rules that make them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.suggestions.templating import PLACEHOLDERS_BY_KIND, template_errors


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class RuleKind(models.TextChoices):
    STAGE_NEXT_STEP = "stage_next_step", _("Next step after an activity")
    IDLE_DEAL = "idle_deal", _("Deal gone quiet")
    OPEN_A_DEAL = "open_a_deal", _("Account without an open deal")


class SuggestionRule(models.Model):
    """One configurable rule of the next-action engine, per organisation and (optionally) stage.

    A rule for a stage wins over the organisation-wide rule of the same kind (stage empty).
    """

    organisation = models.ForeignKey("roles.Organisation", on_delete=models.CASCADE, related_name="suggestion_rules")
    kind = models.CharField(_("kind"), max_length=32, choices=RuleKind.choices)
    stage = models.ForeignKey(
        "activities.Stage", on_delete=models.CASCADE, null=True, blank=True, related_name="suggestion_rules",
        verbose_name=_("stage"),
    )
    idle_days = models.PositiveSmallIntegerField(
        _("days without activity"), null=True, blank=True,
        help_text=_("For “deal gone quiet”: suggest a touch after this many quiet days. Empty: the stage's own value."),
    )
    text_template = models.CharField(
        _("suggestion text"), max_length=200,
        help_text=_("Placeholders: {deal}, {account}, {stage}."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("suggestion rule")
        verbose_name_plural = _("suggestion rules")
        ordering = ["kind", "stage__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "stage"], name="suggestionrule_unique_per_stage"),
            models.UniqueConstraint(
                fields=["organisation", "kind"], condition=models.Q(stage__isnull=True),
                name="suggestionrule_unique_org_wide",
            ),
            models.CheckConstraint(condition=models.Q(idle_days__isnull=True) | models.Q(idle_days__gte=1),
                                   name="suggestionrule_idle_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.stage or '*'}"

    def clean(self) -> None:
        """Reject templates with unknown placeholders and idle days on rules that do not use them."""
        errors = template_errors(self.text_template, PLACEHOLDERS_BY_KIND.get(self.kind, frozenset()))
        if errors:
            raise ValidationError({"text_template": errors})
        if self.idle_days is not None and self.kind != RuleKind.IDLE_DEAL:
            raise ValidationError({"idle_days": _("Only “deal gone quiet” rules use days without activity.")})
        if self.stage_id is not None and self.kind == RuleKind.OPEN_A_DEAL:
            raise ValidationError({"stage": _("“Account without an open deal” has no stage.")})


class Suggestion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions")
    rule = models.CharField(_("rule"), max_length=60)
    source_rule = models.ForeignKey(
        SuggestionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions",
        verbose_name=_("made by rule"),
    )
    text = models.CharField(_("suggestion"), max_length=300)
    reason = models.CharField(_("why"), max_length=300)
    deal = models.ForeignKey("activities.Deal", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    account = models.ForeignKey("activities.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("suggested at"))
    status = models.CharField(
        _("status"), max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    delivery = models.OneToOneField(
        "givegets.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestion"
    )

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "status"], name="suggestion_user_status"),
            models.Index(fields=["source_rule", "status"], name="suggestion_rule_status"),
        ]

    def __str__(self) -> str:
        return self.text
