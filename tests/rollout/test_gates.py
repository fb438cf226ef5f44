"""The gate evaluator on hand-built cases: no database."""

import datetime as dt
from decimal import Decimal

from apps.rollout.gates import (
    Criterion,
    GateCriteria,
    GateMeasurements,
    evaluate_gate,
    whole_weeks_between,
)

CRITERIA = GateCriteria(min_net_beneficiary_pct=70, min_quickwin_on_time_pct=80, min_weeks_live=2)


def measured(**overrides: object) -> GateMeasurements:
    values: dict[str, object] = {
        "scored": 10, "net_beneficiaries": 7, "quickwins_decided": 5, "quickwins_on_time": 4, "weeks_live": 2,
    }
    values.update(overrides)
    return GateMeasurements(**values)  # type: ignore[arg-type]


def test_gate_passes_when_every_criterion_meets_its_target_exactly() -> None:
    result = evaluate_gate(CRITERIA, measured())
    assert result.passed
    nb = result.result_for(Criterion.NET_BENEFICIARIES)
    assert nb is not None
    assert (nb.value, nb.target, nb.passed, nb.numerator, nb.denominator) == (70.0, 70.0, True, 7, 10)
    qw = result.result_for(Criterion.QUICKWINS_ON_TIME)
    assert qw is not None
    assert (qw.value, qw.passed) == (80.0, True)


def test_one_missed_criterion_fails_the_gate_and_says_which() -> None:
    result = evaluate_gate(CRITERIA, measured(net_beneficiaries=6))
    assert not result.passed
    by_criterion = {r.criterion: r.passed for r in result.results}
    assert by_criterion == {
        Criterion.NET_BENEFICIARIES: False, Criterion.QUICKWINS_ON_TIME: True, Criterion.WEEKS_LIVE: True,
    }


def test_share_comparison_is_exact_not_floating_point() -> None:
    # 2 of 3 is 66.67 %: it must not round up to a 67 % target.
    criteria = GateCriteria(min_net_beneficiary_pct=67, min_quickwin_on_time_pct=0, min_weeks_live=0)
    result = evaluate_gate(criteria, measured(scored=3, net_beneficiaries=2))
    nb = result.result_for(Criterion.NET_BENEFICIARIES)
    assert nb is not None
    assert nb.value == 66.7
    assert nb.passed is False


def test_nobody_scored_is_no_data_and_never_passes() -> None:
    result = evaluate_gate(CRITERIA, measured(scored=0, net_beneficiaries=0, quickwins_decided=0, quickwins_on_time=0))
    nb = result.result_for(Criterion.NET_BENEFICIARIES)
    qw = result.result_for(Criterion.QUICKWINS_ON_TIME)
    assert nb is not None
    assert qw is not None
    assert (nb.value, nb.passed, nb.has_data) == (None, None, False)
    assert qw.passed is None
    assert not result.passed


def test_too_few_weeks_live_fails_and_not_yet_live_is_no_data() -> None:
    early = evaluate_gate(CRITERIA, measured(weeks_live=1))
    assert early.result_for(Criterion.WEEKS_LIVE).passed is False  # type: ignore[union-attr]
    assert not early.passed
    planned = evaluate_gate(CRITERIA, measured(weeks_live=None))
    assert planned.result_for(Criterion.WEEKS_LIVE).passed is None  # type: ignore[union-attr]
    assert not planned.passed


def test_pulse_is_judged_only_when_a_minimum_is_set() -> None:
    assert evaluate_gate(CRITERIA, measured()).result_for(Criterion.PULSE) is None
    with_pulse = GateCriteria(70, 80, 2, min_pulse_score=Decimal("5.0"))
    high = evaluate_gate(with_pulse, measured(pulse_responses=6, pulse_people=6, pulse_mean=Decimal("5.25")))
    assert high.result_for(Criterion.PULSE).passed is True  # type: ignore[union-attr]
    assert high.passed
    low = evaluate_gate(with_pulse, measured(pulse_responses=6, pulse_people=6, pulse_mean=Decimal("4.99")))
    assert low.result_for(Criterion.PULSE).passed is False  # type: ignore[union-attr]
    assert not low.passed


def test_pulse_with_fewer_than_five_answers_is_no_data() -> None:
    with_pulse = GateCriteria(70, 80, 2, min_pulse_score=Decimal("5.0"))
    result = evaluate_gate(with_pulse, measured(pulse_responses=4, pulse_people=4, pulse_mean=Decimal("6.5")))
    pulse = result.result_for(Criterion.PULSE)
    assert pulse is not None
    assert (pulse.value, pulse.passed, pulse.denominator) == (None, None, 4)
    assert not result.passed


def test_pulse_needs_five_different_people_not_five_answers() -> None:
    """Six answers from two people would show a two-person team's mean to its manager: no data."""
    with_pulse = GateCriteria(70, 80, 2, min_pulse_score=Decimal("5.0"))
    result = evaluate_gate(with_pulse, measured(pulse_responses=6, pulse_people=2, pulse_mean=Decimal("6.5")))
    pulse = result.result_for(Criterion.PULSE)
    assert pulse is not None
    assert (pulse.value, pulse.passed, pulse.denominator) == (None, None, 2)


def test_result_serialises_per_criterion_for_storage() -> None:
    stored = evaluate_gate(CRITERIA, measured()).as_json()
    assert set(stored) == {"net_beneficiaries", "quickwins_on_time", "weeks_live"}
    assert stored["weeks_live"] == {"value": 2.0, "target": 2.0, "passed": True, "numerator": None,
                                    "denominator": None}


def test_whole_weeks_between_counts_completed_weeks_only() -> None:
    start = dt.date(2025, 3, 3)
    assert whole_weeks_between(start, dt.date(2025, 3, 9)) == 0
    assert whole_weeks_between(start, dt.date(2025, 3, 10)) == 1
    assert whole_weeks_between(start, dt.date(2025, 3, 23)) == 2
    assert whole_weeks_between(start, dt.date(2025, 2, 1)) == 0


def test_phase_impact_is_judged_by_the_low_end_of_its_interval_only_when_asked_for() -> None:
    assert evaluate_gate(CRITERIA, measured(impact=(24.0, -3.0, 40.0))).result_for(Criterion.PHASE_IMPACT) is None
    asks = GateCriteria(min_net_beneficiary_pct=70, min_quickwin_on_time_pct=80, min_weeks_live=2,
                        min_impact_minutes=0)
    saved = evaluate_gate(asks, measured(impact=(24.0, 9.0, 38.0)))
    assert saved.passed
    row = saved.result_for(Criterion.PHASE_IMPACT)
    assert row is not None
    assert (row.value, row.interval, row.as_json()["low"]) == (24.0, (9.0, 38.0), 9.0)
    # A good estimate whose interval still covers zero has not shown it saved time.
    unsure = evaluate_gate(asks, measured(impact=(24.0, -3.0, 40.0)))
    assert not unsure.passed
    assert unsure.result_for(Criterion.PHASE_IMPACT).passed is False  # type: ignore[union-attr]
    # Exactly at the target passes; not enough evidence is no data, which never passes.
    assert evaluate_gate(asks, measured(impact=(5.0, 0.0, 10.0))).passed
    no_evidence = evaluate_gate(asks, measured(impact=None))
    assert no_evidence.result_for(Criterion.PHASE_IMPACT).passed is None  # type: ignore[union-attr]
    assert not no_evidence.passed
