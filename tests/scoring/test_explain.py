"""The explanation adds up: parts sum to the totals shown, the formula gives the score shown."""

import datetime as dt
import re
from decimal import Decimal as D

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from apps.scoring import equation
from apps.scoring.explain import explain, largest_remainder, whole_minutes
from apps.scoring.models import ScoreSnapshot

GIVE_KINDS = ["call_logged", "email_logged", "note_logged", "meeting_logged"]


def _snapshot(give_parts: list[D], get_parts: list[D]) -> ScoreSnapshot:
    give, get = sum(give_parts, D("0")), sum(get_parts, D("0"))
    index = equation.nb_index(give=give, get=get)
    return ScoreSnapshot(
        period_start=dt.date(2026, 11, 16), give_minutes=give, get_minutes=get, rolling_give_minutes=give,
        rolling_get_minutes=get, net_minutes=get - give, nb_index=index, score=equation.score(index=index),
        status=equation.status(give=give, get=get, contributed=len(give_parts), recent_scores=[D("50")]),
        components={
            "contributed": len(give_parts),
            "give": [{"kind": GIVE_KINDS[i % 4], "count": 1, "measured": 1, "minutes": str(m)}
                     for i, m in enumerate(give_parts)],
            "get": [{"kind": "weekly_digest", "count": 1, "minutes": str(m)} for m in get_parts],
        },
    )


def test_rasmus_parts_add_up_to_the_total_shown() -> None:
    # Reported: "gave 34 min: 18 + 6 + 5 + 4" (= 33). 18.4 + 6.3 + 4.6 + 4.4 = 33.7 -> 34 shown.
    # Floors 18 + 6 + 4 + 4 = 32; the 2 missing go to 4.6 (.6) and then 18.4 (.4, earlier than 4.4).
    assert largest_remainder([D("18.4"), D("6.3"), D("4.6"), D("4.4")], 34) == [19, 6, 5, 4]
    snapshot = _snapshot([D("18.40"), D("6.30"), D("4.60"), D("4.40")], [D("180.00")])
    with translation.override("en"):
        text = explain(snapshot)[0]
    assert "gave 34 min" in text
    assert [int(m) for m in re.findall(r"\((\d+) min\)", text)] == [19, 6, 5, 4]


def test_the_index_is_shown_with_the_digits_that_give_the_score() -> None:
    # give 34, get 253: index 219/287 = 0.76306 -> 0.7631; score 50 + 50 × 0.7631 = 88.155 -> 88.16.
    snapshot = _snapshot([D("34.00")], [D("253.00")])
    with translation.override("en"):
        lines = explain(snapshot)
    assert "= 0.7631." in lines[2]
    assert "Net: 219 min" in lines[2]
    assert lines[3] == "Score = 50 + 50 × index = 88.16."


minutes = st.decimals(min_value=D("0"), max_value=D("500"), places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(minutes, max_size=6), st.lists(minutes, max_size=4))
def test_every_explanation_adds_up(give_parts: list[D], get_parts: list[D]) -> None:
    snapshot = _snapshot(give_parts, get_parts)
    with translation.override("en"):
        lines = explain(snapshot)
    give_shown = whole_minutes(snapshot.rolling_give_minutes)
    get_shown = whole_minutes(snapshot.rolling_get_minutes)
    if give_parts:
        assert sum(int(m) for m in re.findall(r"\((-?\d+) min\)", lines[0])) == give_shown
    if get_parts:
        assert sum(int(m) for m in re.findall(r"\((-?\d+) min\)", lines[1])) == get_shown
    index = D(re.search(r"= (-?\d\.\d{4})\.", lines[2]).group(1))  # type: ignore[union-attr]
    assert -1 <= index <= 1
    assert f"Net: {get_shown - give_shown} min" in lines[2]
    shown_score = D(re.search(r"= (\d+\.\d\d)\.$", lines[3]).group(1))  # type: ignore[union-attr]
    assert equation.score(index=index) == shown_score


@given(st.lists(minutes, min_size=1, max_size=8))
def test_largest_remainder_sums_to_the_rounded_total(parts: list[D]) -> None:
    total = whole_minutes(sum(parts, D("0")))
    shares = largest_remainder(parts, total)
    assert sum(shares) == total
    assert all(abs(D(s) - p) < 1 for s, p in zip(shares, parts, strict=True))


@given(minutes, minutes, st.integers(min_value=0, max_value=20))
def test_status_rules(give: D, get: D, contributed: int) -> None:
    status = equation.status(give=give, get=get, contributed=contributed, recent_scores=[D("50")])
    if status in ("thriving", "at_risk"):
        assert contributed >= 1
        assert get > give
    if contributed == 0:
        assert status not in ("thriving", "at_risk")
