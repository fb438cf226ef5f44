"""Hand-computed cases for the Net Beneficiary equation (DESIGN.md, version 1)."""

from decimal import Decimal as D

import pytest

from apps.scoring import equation
from apps.scoring.models import NetStatus


def test_zero_activity_gives_index_zero_and_score_fifty() -> None:
    index = equation.nb_index(give=D("0"), get=D("0"))
    assert index == D("0")
    assert equation.score(index=index) == D("50.00")


def test_give_only_is_index_minus_one_and_score_zero() -> None:
    index = equation.nb_index(give=D("42"), get=D("0"))
    assert index == D("-1")
    assert equation.score(index=index) == D("0.00")


def test_get_only_is_index_one_and_score_hundred() -> None:
    index = equation.nb_index(give=D("0"), get=D("95"))
    assert index == D("1")
    assert equation.score(index=index) == D("100.00")


def test_mixed_give_and_get() -> None:
    # (95 - 42) / (95 + 42) = 53 / 137 = 0.38686...
    index = equation.nb_index(give=D("42"), get=D("95"))
    assert index == D("0.3869")
    # 50 + 50 * 0.3869 = 69.345 -> 69.35 (half up)
    assert equation.score(index=index) == D("69.35")


def test_survey_blend_uses_seventy_thirty_weights() -> None:
    # index 0.5; PU 6, PEOU 5 -> mean 5.5 -> (5.5 - 4) / 3 = 0.5
    # score = 50 + 50 * (0.7 * 0.5 + 0.3 * 0.5) = 50 + 25 = 75
    assert equation.score(index=D("0.5"), usefulness=D("6"), ease_of_use=D("5")) == D("75.00")
    # index -0.2; PU 2, PEOU 3 -> mean 2.5 -> -0.5 ; 0.7*-0.2 + 0.3*-0.5 = -0.29 -> 50 - 14.5 = 35.5
    assert equation.score(index=D("-0.2"), usefulness=D("2"), ease_of_use=D("3")) == D("35.50")


def test_survey_blend_needs_both_answers() -> None:
    assert equation.score(index=D("0.5"), usefulness=D("7"), ease_of_use=None) == D("75.00")


@pytest.mark.parametrize(
    ("give", "get", "contributed", "scores", "expected"),
    [
        (D("0"), D("0"), 0, [D("50")], NetStatus.INACTIVE),
        (D("30"), D("0"), 3, [D("0")], NetStatus.NET_LOSER),
        (D("30"), D("30"), 3, [D("50")], NetStatus.NET_LOSER),
        # peter: gave nothing, opened a digest (60 min) -> reads what others log, not thriving.
        (D("0"), D("60"), 0, [D("100")], NetStatus.NOT_CONTRIBUTING),
        # Only a pulse answer (1 min, no CRM entry) and a digest: still not contributing.
        (D("1"), D("60"), 0, [D("96.72")], NetStatus.NOT_CONTRIBUTING),
        # Only a pulse answer and nothing back: gave, net <= 0 -> net loser.
        (D("1"), D("0"), 0, [D("0")], NetStatus.NET_LOSER),
        # Falling scores without a contribution are never "at risk".
        (D("0"), D("60"), 0, [D("100"), D("90"), D("80")], NetStatus.NOT_CONTRIBUTING),
        (D("10"), D("60"), 1, [D("80"), D("75"), D("70")], NetStatus.AT_RISK),
        (D("10"), D("60"), 2, [D("80"), D("75"), D("76")], NetStatus.THRIVING),
        (D("10"), D("60"), 2, [D("75"), D("70")], NetStatus.THRIVING),
    ],
)
def test_status(give: D, get: D, contributed: int, scores: list[D], expected: str) -> None:
    assert equation.status(give=give, get=get, contributed=contributed, recent_scores=scores) == expected
