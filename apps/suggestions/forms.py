from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.suggestions.models import RuleKind, SuggestionRule
from apps.suggestions.templating import PLACEHOLDERS_BY_KIND, braced


class SuggestionRuleForm(forms.Form):
    """The project lead's edit of one rule; the service checks the placeholders."""

    text_template = forms.CharField(label=_("Suggestion text"), max_length=200)
    idle_days = forms.IntegerField(
        label=_("Days without activity before suggesting a touch"), min_value=1, max_value=365, required=False,
        help_text=_("Empty: the stage's own value."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False)

    def __init__(self, *args: Any, rule: SuggestionRule, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"text_template": rule.text_template, "idle_days": rule.idle_days, "enabled": rule.enabled}
        )
        super().__init__(*args, **kwargs)
        self.fields["text_template"].help_text = _("Placeholders you can use: %(placeholders)s.") % {
            "placeholders": braced(PLACEHOLDERS_BY_KIND[rule.kind])
        }
        if rule.kind != RuleKind.IDLE_DEAL:
            del self.fields["idle_days"]
