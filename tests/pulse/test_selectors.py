"""Aggregates: shown only for 5 or more people, and only over the viewer's scope."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.pulse import rules
from apps.pulse.selectors import pulse_by_team, pulse_distribution, pulse_trend
from apps.roles.models import Team
from tests.pulse.factories import PulseResponseFactory, team_people

User = get_user_model()


def _this_month() -> list[rules.Bucket]:
    return rules.month_buckets(timezone.localdate(), 1)


def test_four_people_are_hidden_five_are_shown_with_their_means(world: Any) -> None:
    people = team_people(team=world.north, role=world.roles["sales_rep"], count=5, prefix="n")
    for i, person in enumerate(people[:4]):
        PulseResponseFactory(user=person, perceived_usefulness=Decimal(3 + i), perceived_ease_of_use=Decimal("4"))
    everyone = User.objects.all()
    [hidden] = pulse_trend(people=everyone, buckets=_this_month(), labels=["now"])
    assert (hidden.is_shown, hidden.usefulness, hidden.ease_of_use, hidden.answers) == (False, None, None, 0)
    PulseResponseFactory(user=people[4], perceived_usefulness=Decimal("7"), perceived_ease_of_use=Decimal("6"))
    [shown] = pulse_trend(people=everyone, buckets=_this_month(), labels=["now"])
    assert shown.is_shown
    assert shown.usefulness == Decimal("5.00")  # (3 + 4 + 5 + 6 + 7) / 5
    assert shown.ease_of_use == Decimal("4.40")
    assert (shown.answers, shown.people) == (5, 5)


def test_five_answers_from_one_person_stay_hidden(world: Any) -> None:
    for days in range(5):
        PulseResponseFactory(user=world.rita, answered_at=timezone.now() - dt.timedelta(days=days))
    [row] = pulse_trend(people=User.objects.all(), buckets=_this_month(), labels=["now"])
    assert not row.is_shown
    assert row.usefulness is None


def test_per_team_means_count_only_that_teams_members(world: Any) -> None:
    north = team_people(team=world.north, role=world.roles["sales_rep"], count=5, prefix="n")
    south = team_people(team=world.south, role=world.roles["sales_rep"], count=2, prefix="s")
    for person in north:
        PulseResponseFactory(user=person, perceived_usefulness=Decimal("6"))
    for person in south:
        PulseResponseFactory(user=person, perceived_usefulness=Decimal("2"))
    bucket = _this_month()[0]
    rows = {r.label: r for r in pulse_by_team(teams=Team.objects.all(), start=bucket.start, end=bucket.end)}
    assert rows["North"].usefulness == Decimal("6.00")
    assert not rows["South"].is_shown
    assert rows["South"].usefulness is None


def test_distribution_counts_answers_per_scale_point_only_for_five_people(world: Any) -> None:
    people = team_people(team=world.north, role=world.roles["sales_rep"], count=5, prefix="n")
    for person, value in zip(people, ["1", "3.5", "4", "7", "7"], strict=True):
        PulseResponseFactory(user=person, perceived_usefulness=Decimal(value), perceived_ease_of_use=Decimal("2"))
    bucket = _this_month()[0]
    spread = pulse_distribution(people=User.objects.all(), start=bucket.start, end=bucket.end)
    assert spread.usefulness == [1, 0, 0, 2, 0, 0, 2]  # 3.5 reads as "about 4"
    assert spread.ease_of_use == [0, 5, 0, 0, 0, 0, 0]
    few = pulse_distribution(people=User.objects.filter(pk__in=[p.pk for p in people[:4]]),
                             start=bucket.start, end=bucket.end)
    assert few.usefulness is None
