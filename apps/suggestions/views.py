"""Deciding on suggestions (everyone, their own) and configuring the rules (project leads)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.charts import Point, bar_chart
from apps.core.forms import form_saved
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.policies import member_organisation_id
from apps.suggestions import selectors, services
from apps.suggestions.forms import SuggestionRuleForm
from apps.suggestions.models import Suggestion, SuggestionRule


@require_POST
@member_required
def decide(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    """Accept or dismiss one of your own suggestions; others' suggestions do not exist for you."""
    suggestion = Suggestion.objects.filter(pk=suggestion_id, user_id=request.user.pk).first()
    if suggestion is None:
        raise Http404
    services.suggestion_decide(suggestion=suggestion, accept=request.POST.get("decision") == "accept")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("dashboards:me")
    return redirect(target)


def _rule_of_lead(request: HttpRequest, rule_id: int) -> SuggestionRule:
    """Return the rule if it belongs to the lead's organisation; 404 for any other."""
    return get_object_or_404(
        SuggestionRule.objects.select_related("stage"), pk=rule_id, organisation_id=member_organisation_id(request.user)
    )


@project_lead_required
def rules(request: HttpRequest) -> HttpResponse:
    """List the organisation's rules with how people respond to each (aggregates only)."""
    organisation_id = member_organisation_id(request.user)
    # Stages added since the last visit get their default rules, so every stage is listed.
    services.suggestion_rules_install_defaults(organisation_id=organisation_id)
    rows = selectors.rules_with_feedback(organisation_id=organisation_id)
    rated = [r for r in rows if r.acceptance_rate is not None]
    chart = bar_chart(
        [Point(f"{r.rule.get_kind_display()} · {r.rule.stage or _('all stages')}"[:28], r.acceptance_rate)
         for r in rated],
        title=_("Acceptance rate per rule"), max_value=100, unit=" %",
    ) if rated else None
    return render(request, "suggestions/rules.html", {"rows": rows, "chart": chart})


@project_lead_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Edit one rule's text, quiet days and switch; errors keep what was typed."""
    rule = _rule_of_lead(request, rule_id)
    if request.method == "POST":
        form = SuggestionRuleForm(request.POST, rule=rule)
        if form_saved(form, lambda data: services.suggestion_rule_update(
            rule=rule, text_template=data["text_template"], idle_days=data.get("idle_days"), enabled=data["enabled"],
        )):
            messages.success(request, _("Rule saved."))
            return redirect("suggestions:rules")
        # The failed save may have changed the in-memory rule; show the stored one beside the form.
        rule.refresh_from_db()
    else:
        form = SuggestionRuleForm(rule=rule)
    return render(request, "suggestions/rule_edit.html", {"rule": rule, "form": form})


@require_POST
@project_lead_required
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Switch a rule on or off from the list."""
    rule = _rule_of_lead(request, rule_id)
    enabled = request.POST.get("enabled") == "1"
    services.suggestion_rule_set_enabled(rule=rule, enabled=enabled)
    messages.success(request, _("Rule switched on.") if enabled else _("Rule switched off."))
    return redirect("suggestions:rules")
