"""A gate may ask that the phase saved its people time compared with those not yet live."""

import datetime as dt
from typing import Any

import pytest

from apps.adoption.selectors import phase_impact_estimate
from apps.rollout import impact, services, wording
from apps.rollout.impact import ImpactEstimate
from apps.rollout.models import PhaseStatus
from tests.rollout.factories import PhaseFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 4)


@pytest.fixture
def reader():
    asked: list[tuple[int, dt.date]] = []
    answer: dict[str, ImpactEstimate | None] = {"value": ImpactEstimate(minutes_per_week=24.4, low=9.2, high=38.0)}

    def read(phase: Any, today: dt.date) -> ImpactEstimate | None:
        asked.append((phase.pk, today))
        return answer["value"]

    impact.register_impact_reader(read)
    yield asked, answer
    impact.register_impact_reader(phase_impact_estimate)


def _live_phase(world: Any, **fields: Any):
    return PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE,
                        go_live_on=TODAY - dt.timedelta(weeks=3), planned_start=TODAY - dt.timedelta(weeks=4),
                        min_net_beneficiary_pct=0, min_quickwin_on_time_pct=0, min_weeks_live=0, **fields)


def test_the_adoption_app_answers_the_gate(world: Any) -> None:
    assert impact._reader is phase_impact_estimate


def test_the_gate_stores_the_estimate_and_its_interval_and_says_so(world: Any, reader: Any) -> None:
    asked, _answer = reader
    phase = _live_phase(world, min_impact_minutes=5)

    evaluation = services.gate_evaluate(phase=phase, today=TODAY)

    assert asked == [(phase.pk, TODAY)]
    entry = evaluation.values["phase_impact"]
    assert (entry["value"], entry["low"], entry["high"], entry["target"], entry["passed"]) == (24.4, 9.2, 38.0, 5.0, True)
    [row] = [r for r in wording.criterion_rows(evaluation, [evaluation]) if r.criterion == "phase_impact"]
    assert (row.value, row.target) == ("+24 min", "≥ +5 min")
    assert "+9 to +38 min" in row.detail


def test_not_enough_evidence_keeps_the_gate_closed(world: Any, reader: Any) -> None:
    _asked, answer = reader
    answer["value"] = None
    phase = _live_phase(world, min_impact_minutes=0)

    evaluation = services.gate_evaluate(phase=phase, today=TODAY)

    assert evaluation.values["phase_impact"]["passed"] is None
    assert not evaluation.passed
    [row] = [r for r in wording.criterion_rows(evaluation, [evaluation]) if r.criterion == "phase_impact"]
    assert row.detail.startswith("Not enough evidence yet")


def test_without_the_criterion_the_estimate_is_not_even_computed(world: Any, reader: Any) -> None:
    asked, _answer = reader
    evaluation = services.gate_evaluate(phase=_live_phase(world), today=TODAY)
    assert asked == []
    assert "phase_impact" not in evaluation.values


def test_the_lead_sets_the_criterion_on_the_phase_form(world: Any) -> None:
    phase = _live_phase(world)
    data = {"name": phase.name, "teams": [world.north.pk], "planned_start": phase.planned_start.isoformat(),
            "go_live_on": phase.go_live_on.isoformat(), "min_net_beneficiary_pct": 70, "min_quickwin_on_time_pct": 80,
            "min_weeks_live": 2, "min_pulse_score": "", "min_impact_minutes": "10"}
    response = world.client_for(world.lene).post(f"/rollout/{phase.pk}/edit/", data)
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.min_impact_minutes == 10
    data["min_impact_minutes"] = "9999"
    page = world.client_for(world.lene).post(f"/rollout/{phase.pk}/edit/", data).content.decode()
    assert "600" in page
    phase.refresh_from_db()
    assert phase.min_impact_minutes == 10
