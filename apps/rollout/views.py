"""Rollout pages. Leads configure phases and read gate readiness; managers read their teams' share.

Who may open what is decided by `apps.roles` (decorators and policies); a phase outside the
lead's organisation is a 404.
"""

from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.charts import Point, line_chart, sparkline
from apps.core.errors import ApplicationError
from apps.core.forms import service_errors_add
from apps.roles.decorators import manager_required, project_lead_required
from apps.roles.models import Team
from apps.roles.policies import managed_team_ids, member_membership
from apps.rollout import gates, selectors, services, wording
from apps.rollout.forms import OverrideForm, PhaseForm
from apps.rollout.models import PhaseStatus, RolloutPhase

OVERRIDE_ACTIONS = ("go_live", "complete")


def _phase_or_404(request: HttpRequest, phase_id: int) -> RolloutPhase:
    return get_object_or_404(RolloutPhase, pk=phase_id, organisation=member_membership(request.user).organisation)


@project_lead_required
def phases(request: HttpRequest) -> HttpResponse:
    rows = selectors.phase_rows(organisation_id=member_membership(request.user).organisation.pk)
    return render(request, "rollout/phases.html", {"rows": rows})


def _service_fields(form: PhaseForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in (*services.PHASE_PLAN_FIELDS, "teams", "roles")}


@project_lead_required
def phase_create(request: HttpRequest) -> HttpResponse:
    organisation = member_membership(request.user).organisation
    form = PhaseForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            phase = services.phase_create(organisation=organisation, actor_id=request.user.pk, **_service_fields(form))
        except ValidationError as error:
            service_errors_add(form, error)
        else:
            messages.success(request, _("Phase “%(phase)s” created.") % {"phase": phase.name})
            return redirect("rollout:detail", phase_id=phase.pk)
    return render(request, "rollout/phase_form.html", {"form": form, "phase": None})


@project_lead_required
def phase_edit(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    form = PhaseForm(request.POST or None, organisation=phase.organisation, initial=PhaseForm.initial_for(phase))
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_update(phase=phase, **_service_fields(form))
        except ValidationError as error:
            service_errors_add(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Phase “%(phase)s” saved.") % {"phase": phase.name})
            return redirect("rollout:detail", phase_id=phase.pk)
    return render(request, "rollout/phase_form.html", {"form": form, "phase": phase})


@require_POST
@project_lead_required
def phase_move(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    direction: Literal["up", "down"] = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.phase_move(phase=phase, direction=direction)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(phase)s” moved; it took its neighbour's planned dates.") % {"phase": phase.name}
        )
    return redirect("rollout:phases")


def _week_label(day: Any) -> str:
    return formats.date_format(day, "j/n")


def _criterion_sparkline(row: wording.CriterionRow) -> SafeString:
    values = [v for v in row.trend if v is not None]
    if row.criterion == gates.Criterion.PULSE:
        low, high = 1.0, 7.0
    elif row.criterion == gates.Criterion.PHASE_IMPACT:
        low, high = min([*values, 0.0]), max([*values, 1.0])
    elif row.criterion == gates.Criterion.WEEKS_LIVE:
        low, high = 0.0, max([*values, 1.0])
    else:
        low, high = 0.0, 100.0
    title = _("%(criterion)s, one value per week: %(values)s") % {
        "criterion": row.label, "values": ", ".join("–" if v is None else f"{v:g}" for v in row.trend)}
    return sparkline(row.trend, title=title, y_min=low, y_max=high)


def _readiness(phase: RolloutPhase) -> dict[str, Any]:
    today = timezone.localdate()
    history = selectors.evaluation_history(phase)
    # The latest week's entry is the latest evaluation of all.
    evaluation = history[-1] if history else None
    trend = selectors.net_beneficiary_trend(phase, today=today)
    rows = wording.criterion_rows(evaluation, history) if evaluation else []
    return {
        "evaluation": evaluation,
        "criteria": [(row, _criterion_sparkline(row)) for row in rows],
        "miss_sentences": wording.miss_sentences(evaluation) if evaluation else [],
        "history": list(reversed(history)),
        "trend": trend,
        "trend_chart": line_chart(
            [Point(_week_label(w.monday), w.pct) for w in trend],
            title=_("Share of net beneficiaries per week since go-live (%)"),
            reference=phase.min_net_beneficiary_pct,
        ) if trend else None,
    }


@project_lead_required
def phase_detail(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    context = _readiness(phase)
    context.update({
        "phase": phase,
        "people": selectors.phase_people_count(phase),
        "status_since": selectors.phase_status_since(phase),
        "previous": selectors.previous_phase(phase),
        "needs_override": selectors.go_live_needs_override(phase),
        "events": selectors.phase_events(phase),
        "can_evaluate": phase.status != PhaseStatus.PLANNED,
        "criterion_labels": {c: wording.criterion_label(c) for c in wording.CRITERION_ORDER},
    })
    return render(request, "rollout/phase_detail.html", context)


@require_POST
@project_lead_required
def phase_go_live(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    try:
        services.phase_go_live(phase=phase, actor_id=request.user.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(phase)s” is live.") % {"phase": phase.name})
    return redirect("rollout:detail", phase_id=phase.pk)


@require_POST
@project_lead_required
def phase_complete(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    try:
        services.phase_complete(phase=phase, actor_id=request.user.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(phase)s” is completed.") % {"phase": phase.name})
    return redirect("rollout:detail", phase_id=phase.pk)


@require_POST
@project_lead_required
def phase_evaluate(request: HttpRequest, phase_id: int) -> HttpResponse:
    phase = _phase_or_404(request, phase_id)
    evaluation = services.gate_evaluate(phase=phase)
    if evaluation.passed:
        messages.success(request, _("Gate evaluated: passed."))
    else:
        messages.error(request, _("Gate evaluated: not passed."))
    return redirect("rollout:detail", phase_id=phase.pk)


@project_lead_required
def phase_override(request: HttpRequest, phase_id: int) -> HttpResponse:
    """Go live (or complete a failed phase) despite the gate, with a reason the history keeps."""
    phase = _phase_or_404(request, phase_id)
    action = request.POST.get("action") or request.GET.get("action") or "go_live"
    if action not in OVERRIDE_ACTIONS:
        action = "go_live"
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if action == "go_live":
                services.phase_go_live(phase=phase, actor_id=request.user.pk, override_reason=reason)
            else:
                services.phase_complete(phase=phase, actor_id=request.user.pk, override_reason=reason)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Override recorded in the phase's history."))
            return redirect("rollout:detail", phase_id=phase.pk)
    return render(request, "rollout/override.html", {
        "form": form, "phase": phase, "action": action, "previous": selectors.previous_phase(phase),
    })


@manager_required
def team(request: HttpRequest) -> HttpResponse:
    """Show a manager the phases that cover their teams, with their teams' aggregate figures."""
    team_ids = managed_team_ids(request.user)
    today = timezone.localdate()
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))
    rows = []
    phases = list(selectors.phases_covering_teams(team_ids=team_ids).prefetch_related("teams"))
    evaluations = selectors.latest_evaluations(phases)
    for phase in phases:
        covered_ids = [t.pk for t in phase.teams.all() if t.pk in team_ids]
        people, measured = selectors.gate_measurements(phase, today=today, team_ids=covered_ids)
        result = gates.evaluate_gate(services.criteria_of(phase), measured)
        rows.append({
            "phase": phase,
            "teams": [t for t in teams if t.pk in covered_ids],
            "people": people,
            "criteria": [
                {"label": wording.criterion_label(r.criterion),
                 "value": wording.format_value(r.criterion, r.value),
                 "target": "≥ " + wording.format_value(r.criterion, r.target),
                 "passed": r.passed}
                for r in result.results
            ],
            "evaluation": evaluations.get(phase.pk),
        })
    return render(request, "rollout/team.html", {"rows": rows, "teams": teams})
