"""Phase impact on synthetic data with a known effect and with none."""

import random

from apps.adoption.impact import PersonWeeks, phase_impact


def _group(rng: random.Random, people: int, change: float) -> list[PersonWeeks]:
    group = []
    for _ in range(people):
        base = rng.uniform(-20, 40)
        before = [base + rng.gauss(0, 6) for _ in range(4)]
        after = [base + change + rng.gauss(0, 6) for _ in range(4)]
        group.append(PersonWeeks(before=before, after=after))
    return group


def test_a_known_effect_is_recovered_within_its_interval() -> None:
    rng = random.Random(7)
    # Everyone gains 5 min a week from a common trend; the phase's people gain 24 more.
    result = phase_impact(phase=_group(rng, 30, 5 + 24), comparison=_group(rng, 30, 5))
    assert result is not None
    assert result.low <= 24 <= result.high
    assert result.low > 0
    assert abs(result.estimate - 24) < 5


def test_no_effect_gives_an_interval_that_covers_zero() -> None:
    rng = random.Random(11)
    result = phase_impact(phase=_group(rng, 30, 5), comparison=_group(rng, 30, 5))
    assert result is not None
    assert result.low <= 0 <= result.high


def test_hand_computed_estimate_and_deterministic_interval() -> None:
    phase = [PersonWeeks(before=[10], after=[40])] * 3 + [PersonWeeks(before=[10], after=[30])] * 2
    comparison = [PersonWeeks(before=[10], after=[15])] * 5
    # phase change mean (30*3 + 20*2) / 5 = 26; comparison change 5; difference 21
    first = phase_impact(phase=phase, comparison=comparison, seed=3)
    assert first is not None
    assert first.estimate == 21
    assert first == phase_impact(phase=phase, comparison=comparison, seed=3)
    # resampled phase means lie in 20..30 and the comparison is always 5: draws lie in 15..25
    assert 15 <= first.low < 21 < first.high <= 25


def test_too_few_people_on_either_side_is_not_enough_evidence() -> None:
    five = [PersonWeeks(before=[1], after=[2])] * 5
    four = [PersonWeeks(before=[1], after=[2])] * 4
    no_before = [PersonWeeks(before=[], after=[2])] * 5
    assert phase_impact(phase=five, comparison=four) is None
    assert phase_impact(phase=four, comparison=five) is None
    assert phase_impact(phase=no_before, comparison=five) is None
