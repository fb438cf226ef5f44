"""Writing rollout phases: configure, reorder, go live, complete, evaluate gates.

Every rule about a phase is enforced here, so the pages, the API and the beat job share it;
forms only check shapes. Status changes are recorded as PhaseEvents, overrides with a reason.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, NotRequired

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from typing_extensions import TypedDict, Unpack

from apps.core.errors import ApplicationError
from apps.core.services import model_update
from apps.roles.models import Membership, Organisation, Role, Team
from apps.rollout import gates, selectors
from apps.rollout.models import GateEvaluation, PhaseEvent, PhaseStatus, RolloutPhase

MIN_OVERRIDE_REASON_LENGTH = 10


def _date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _phase_errors(
    *,
    organisation: Organisation,
    phase: RolloutPhase | None,
    order: int,
    teams: list[Team],
    roles: list[Role],
    planned_start: dt.date,
    go_live_on: dt.date,
    min_net_beneficiary_pct: int,
    min_quickwin_on_time_pct: int,
    min_pulse_score: Decimal | None,
) -> dict[str, list[str]]:
    """Return every broken rule, by field (None for the whole form), so all are shown at once."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field, value in (("min_net_beneficiary_pct", min_net_beneficiary_pct),
                         ("min_quickwin_on_time_pct", min_quickwin_on_time_pct)):
        if not 0 <= value <= 100:
            add(field, _("Enter a share between 0 and 100 %."))
    if min_pulse_score is not None and not Decimal(1) <= min_pulse_score <= Decimal(7):
        add("min_pulse_score", _("Enter a pulse score between 1 and 7, or leave it empty."))
    if go_live_on < planned_start:
        add("go_live_on", _("The go-live date cannot be before the planned start."))
    if not teams and not roles:
        add("teams", _("Choose at least one team or role for the phase to cover."))
    if any(t.organisation_id != organisation.pk for t in teams) or any(
        r.organisation_id != organisation.pk for r in roles
    ):
        add("teams", _("Choose only teams and roles of your own organisation."))

    others = RolloutPhase.objects.filter(organisation=organisation).exclude(status=PhaseStatus.COMPLETED)
    if phase is not None:
        others = others.exclude(pk=phase.pk)
    for team in teams:
        clash = others.filter(teams=team).first()
        if clash is not None:
            add("teams", _("%(team)s is already covered by “%(phase)s”, which is not completed.")
                % {"team": team.name, "phase": clash.name})
    for role in roles:
        clash = others.filter(roles=role).first()
        if clash is not None:
            add("roles", _("%(role)s is already covered by “%(phase)s”, which is not completed.")
                % {"role": role.name, "phase": clash.name})

    siblings = RolloutPhase.objects.filter(organisation=organisation)
    if phase is not None:
        siblings = siblings.exclude(pk=phase.pk)
    before = siblings.filter(order__lt=order).order_by("-order").first()
    after = siblings.filter(order__gt=order).order_by("order").first()
    if before is not None and go_live_on < before.go_live_on:
        add("go_live_on", _("This goes live before “%(phase)s” (%(date)s), which comes earlier in the order.")
            % {"phase": before.name, "date": _date(before.go_live_on)})
    if after is not None and go_live_on > after.go_live_on:
        add("go_live_on", _("This goes live after “%(phase)s” (%(date)s), which comes later in the order.")
            % {"phase": after.name, "date": _date(after.go_live_on)})
    return errors


def _event(
    *, phase: RolloutPhase, actor_id: int | None, from_status: str, to_status: str,
    is_override: bool = False, reason: str = "",
) -> PhaseEvent:
    return PhaseEvent.objects.create(
        phase=phase, happened_at=timezone.now(), actor_id=actor_id, from_status=from_status, to_status=to_status,
        is_override=is_override, reason=reason,
    )


class PhasePlan(TypedDict):
    """What a lead plans for a phase: who it covers, when, and the gate it must pass (create and update)."""

    name: str
    teams: Iterable[Team]
    roles: Iterable[Role]
    planned_start: dt.date
    go_live_on: dt.date
    min_net_beneficiary_pct: int
    min_quickwin_on_time_pct: int
    min_weeks_live: int
    min_pulse_score: NotRequired[Decimal | None]
    min_impact_minutes: NotRequired[int | None]


# The plan's own fields of the phase (teams and roles are many-to-many, set after the save).
PHASE_PLAN_FIELDS = (
    "name", "planned_start", "go_live_on", "min_net_beneficiary_pct", "min_quickwin_on_time_pct", "min_weeks_live",
    "min_pulse_score", "min_impact_minutes",
)


@transaction.atomic
def phase_create(*, organisation: Organisation, actor_id: int | None, **plan: Unpack[PhasePlan]) -> RolloutPhase:
    """Create a phase at the end of the order; raise ValidationError (saving nothing) if invalid."""
    teams, roles = list(plan["teams"]), list(plan["roles"])
    # Lock the organisation's phases so two leads adding at once cannot take the same place.
    existing = RolloutPhase.objects.select_for_update().filter(organisation=organisation)
    order = max(existing.values_list("order", flat=True), default=0) + 1
    _raise_phase_errors(organisation=organisation, phase=None, order=order, plan=plan, teams=teams, roles=roles)
    phase = RolloutPhase(
        organisation=organisation, order=order, **{name: plan.get(name) for name in PHASE_PLAN_FIELDS},
    )
    phase.full_clean()
    phase.save()
    phase.teams.set(teams)
    phase.roles.set(roles)
    _event(phase=phase, actor_id=actor_id, from_status="", to_status=PhaseStatus.PLANNED)
    return phase


@transaction.atomic
def phase_update(*, phase: RolloutPhase, **plan: Unpack[PhasePlan]) -> RolloutPhase:
    """Change a phase's coverage, dates and gate; raise ValidationError (saving nothing) if invalid."""
    if phase.status == PhaseStatus.COMPLETED:
        raise ApplicationError(_("A completed phase can no longer be changed."))
    teams, roles = list(plan["teams"]), list(plan["roles"])
    _raise_phase_errors(
        organisation=phase.organisation, phase=phase, order=phase.order, plan=plan, teams=teams, roles=roles
    )
    data = {name: plan.get(name) for name in PHASE_PLAN_FIELDS} | {"teams": teams, "roles": roles}
    model_update(instance=phase, fields=[*PHASE_PLAN_FIELDS, "teams", "roles"], data=data)
    return phase


def _raise_phase_errors(
    *, organisation: Organisation, phase: RolloutPhase | None, order: int, plan: PhasePlan, teams: list[Team],
    roles: list[Role],
) -> None:
    errors = _phase_errors(
        organisation=organisation, phase=phase, order=order, teams=teams, roles=roles,
        planned_start=plan["planned_start"], go_live_on=plan["go_live_on"],
        min_net_beneficiary_pct=plan["min_net_beneficiary_pct"],
        min_quickwin_on_time_pct=plan["min_quickwin_on_time_pct"], min_pulse_score=plan.get("min_pulse_score"),
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def phase_move(*, phase: RolloutPhase, direction: Literal["up", "down"]) -> RolloutPhase:
    """Swap a planned phase with its planned neighbour: place in the order and planned dates.

    The dates travel with the place so the plan stays in go-live order: moving a phase up
    means doing that portion in the earlier slot.
    """
    # Lock the organisation's phases in order (so two moves cannot deadlock) and judge fresh rows.
    ordered = list(
        RolloutPhase.objects.select_for_update().filter(organisation_id=phase.organisation_id).order_by("order")
    )
    index = next(i for i, p in enumerate(ordered) if p.pk == phase.pk)
    phase = ordered[index]
    neighbour_index = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour_index < len(ordered):
        raise ApplicationError(_("“%(phase)s” is already at that end of the order.") % {"phase": phase.name})
    neighbour = ordered[neighbour_index]
    if phase.status != PhaseStatus.PLANNED or neighbour.status != PhaseStatus.PLANNED:
        raise ApplicationError(_("Only phases that have not gone live yet can change places."))
    free = ordered[-1].order + 1
    mine = (phase.order, phase.planned_start, phase.go_live_on)
    theirs = (neighbour.order, neighbour.planned_start, neighbour.go_live_on)
    # (organisation, order) is unique, so one phase steps aside before the swap.
    phase.order = free
    phase.save(update_fields=["order"])
    neighbour.order, neighbour.planned_start, neighbour.go_live_on = mine
    neighbour.save(update_fields=["order", "planned_start", "go_live_on"])
    phase.order, phase.planned_start, phase.go_live_on = theirs
    phase.save(update_fields=["order", "planned_start", "go_live_on"])
    return phase


def _clean_reason(override_reason: str | None) -> str:
    reason = (override_reason or "").strip()
    if len(reason) < MIN_OVERRIDE_REASON_LENGTH:
        raise ValidationError({"reason": _("Give a reason of at least %(count)s characters.")
                               % {"count": MIN_OVERRIDE_REASON_LENGTH}})
    return reason


def _locked(phase: RolloutPhase) -> RolloutPhase:
    """Return the phase re-read under a row lock, so a double click cannot act twice."""
    return RolloutPhase.objects.select_for_update().get(pk=phase.pk)


@transaction.atomic
def phase_go_live(
    *, phase: RolloutPhase, actor_id: int | None, override_reason: str | None = None,
    today: dt.date | None = None,
) -> RolloutPhase:
    """Take a planned phase live and give its people their go-live date.

    Allowed for the first phase or when the previous phase's gate passed (or it completed);
    otherwise only with an override reason, which the phase's history keeps.
    """
    today = today or timezone.localdate()
    phase = _locked(phase)
    if phase.status != PhaseStatus.PLANNED:
        raise ApplicationError(_("Only a planned phase can go live; “%(phase)s” is %(status)s.")
                               % {"phase": phase.name, "status": phase.get_status_display().lower()})
    needs_override = selectors.go_live_needs_override(phase)
    reason = ""
    if needs_override:
        if override_reason is None:
            previous = selectors.previous_phase(phase)
            raise ApplicationError(
                _("“%(previous)s” has not passed its gate, so “%(phase)s” cannot go live yet. "
                  "Override with a reason if you must.") % {"previous": previous.name if previous else "",
                                                             "phase": phase.name}
            )
        reason = _clean_reason(override_reason)
    elif override_reason:
        reason = override_reason.strip()
    phase.status = PhaseStatus.LIVE
    phase.save(update_fields=["status"])
    _event(phase=phase, actor_id=actor_id, from_status=PhaseStatus.PLANNED, to_status=PhaseStatus.LIVE,
           is_override=needs_override, reason=reason)
    # Ambassadors who piloted early keep their earlier date: only empty dates are filled.
    Membership.objects.filter(
        user__in=selectors.phase_people(phase).values("pk"), organisation_id=phase.organisation_id,
        go_live_on__isnull=True,
    ).update(go_live_on=max(phase.go_live_on, today))
    return phase


@transaction.atomic
def phase_complete(
    *, phase: RolloutPhase, actor_id: int | None, override_reason: str | None = None
) -> RolloutPhase:
    """Close a phase whose gate passed; closing one whose gate failed needs an override reason."""
    phase = _locked(phase)
    if phase.status == PhaseStatus.GATE_FAILED:
        if override_reason is None:
            raise ApplicationError(_("“%(phase)s” failed its gate. Completing it anyway needs an override "
                                     "with a reason.") % {"phase": phase.name})
        reason, is_override = _clean_reason(override_reason), True
    elif phase.status == PhaseStatus.GATE_PASSED:
        reason, is_override = (override_reason or "").strip(), False
    else:
        raise ApplicationError(_("Only a phase whose gate has been evaluated can be completed; “%(phase)s” is "
                                 "%(status)s.") % {"phase": phase.name, "status": phase.get_status_display().lower()})
    from_status = phase.status
    phase.status = PhaseStatus.COMPLETED
    phase.save(update_fields=["status"])
    _event(phase=phase, actor_id=actor_id, from_status=from_status, to_status=PhaseStatus.COMPLETED,
           is_override=is_override, reason=reason)
    return phase


def criteria_of(phase: RolloutPhase) -> gates.GateCriteria:
    return gates.GateCriteria(
        min_net_beneficiary_pct=phase.min_net_beneficiary_pct,
        min_quickwin_on_time_pct=phase.min_quickwin_on_time_pct,
        min_weeks_live=phase.min_weeks_live,
        min_pulse_score=phase.min_pulse_score,
        min_impact_minutes=phase.min_impact_minutes,
    )


@transaction.atomic
def gate_evaluate(*, phase: RolloutPhase, today: dt.date | None = None) -> GateEvaluation:
    """Measure the phase's gate, store the result for `today` and move a live phase on.

    Running it again the same day overwrites that day's row. A live phase whose gate passes
    becomes gate_passed; one that fails once its minimum weeks are up becomes gate_failed; a
    failed phase that later passes becomes gate_passed.
    """
    today = today or timezone.localdate()
    phase = _locked(phase)
    people, measured = selectors.gate_measurements(phase, today=today)
    result = gates.evaluate_gate(criteria_of(phase), measured)
    evaluation, _created = GateEvaluation.objects.update_or_create(
        phase=phase,
        evaluated_on=today,
        defaults={
            "evaluated_at": timezone.now(),
            "people": people,
            "values": result.as_json(),
            "misses": selectors.net_beneficiary_misses(phase, today=today),
            "passed": result.passed,
        },
    )
    new_status: str | None = None
    if phase.status in (PhaseStatus.LIVE, PhaseStatus.GATE_FAILED) and result.passed:
        new_status = PhaseStatus.GATE_PASSED
    elif (
        phase.status == PhaseStatus.LIVE
        and measured.weeks_live is not None
        and measured.weeks_live >= phase.min_weeks_live
    ):
        new_status = PhaseStatus.GATE_FAILED
    if new_status is not None:
        from_status = phase.status
        phase.status = new_status
        phase.save(update_fields=["status"])
        _event(phase=phase, actor_id=None, from_status=from_status, to_status=new_status)
    return evaluation


def gates_evaluate_due(*, today: dt.date | None = None) -> int:
    """Evaluate the gate of every live or failed phase; return how many were evaluated."""
    evaluated = 0
    for phase in selectors.phases_due_for_evaluation():
        gate_evaluate(phase=phase, today=today)
        evaluated += 1
    return evaluated
