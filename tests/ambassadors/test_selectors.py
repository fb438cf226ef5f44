"""Team adoption with and without an ambassador, from this week's snapshots."""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.ambassadors.selectors import ambassadors_overview, comparison
from apps.core.periods import week_start
from apps.roles.models import Team, TeamMember
from apps.scoring.models import NetStatus, ScoreSnapshot
from tests.pulse.factories import team_people


def snapshot(user: Any, net: int, monday: Any = None, status: str | None = None) -> ScoreSnapshot:
    return ScoreSnapshot.objects.create(
        user=user, period_start=monday or week_start(timezone.localdate()), give_minutes=0, get_minutes=0,
        rolling_give_minutes=10, rolling_get_minutes=10 + net, net_minutes=Decimal(net), nb_index=0, score=50,
        status=status or (NetStatus.THRIVING if net > 0 else NetStatus.NET_LOSER), computed_at=timezone.now(),
    )


def test_ambassador_teams_are_compared_with_the_pooled_teams_without_one(world: Any) -> None:
    north = team_people(team=world.north, role=world.roles["sales_rep"], count=5, prefix="n")
    south = team_people(team=world.south, role=world.roles["sales_rep"], count=3, prefix="s")
    west = Team.objects.create(organisation=world.org, name="West")
    west_people = team_people(team=west, role=world.roles["sales_rep"], count=3, prefix="w")
    TeamMember.objects.filter(user=north[0]).update(is_ambassador=True)
    for i, person in enumerate(north):
        snapshot(person, net=30 if i < 4 else -5)  # 4 of 5
    for person in south + west_people[:1]:
        snapshot(person, net=10)
    # The status decides, not the sign of net minutes: got 10 min but gave nothing.
    snapshot(west_people[1], net=10, status=NetStatus.NOT_CONTRIBUTING)
    snapshot(west_people[2], net=-1)
    snapshot(world.mads, net=-50)  # managers count, as in the phase that covers the team

    snapshot(north[1], net=-5, monday=week_start(timezone.localdate()).replace(year=2000))  # an old week is ignored
    rows = ambassadors_overview(organisation_id=world.org.pk)
    by_name = {row.team.name: row for row in rows}
    assert [p.name for p in by_name["North"].ambassadors] == [north[0].get_full_name()]
    assert world.mads.pk not in [p.pk for p in by_name["North"].candidates]
    with_ambassador, without = comparison(rows, without_label="others")
    # 4 of 6 on both sides: the 2 who are not net beneficiaries could be told apart, so no share
    assert [(s.label, s.scored, s.net_beneficiaries, s.pct) for s in with_ambassador] == [("North", 6, 4, None)]
    assert (without.scored, without.net_beneficiaries, without.pct) == (6, 4, None)


def test_small_teams_show_no_share(world: Any) -> None:
    snapshot(world.rita, net=10)
    rows = ambassadors_overview(organisation_id=world.org.pk)
    north = next(r for r in rows if r.team.name == "North")
    assert north.adoption is not None
    assert (north.adoption.scored, north.adoption.pct) == (2 - 1, None)
