"""Reads for ambassadors and kudos: who they are, their teams' adoption, kudos received."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from apps.ambassadors.models import KUDOS_PER_DAY, Kudos
from apps.ambassadors.network import PeerReach, PeerStanding, peer_reach, peer_standing, suggested
from apps.ambassadors.rules import AdoptionShare, kudos_left_today, pooled_share
from apps.core.periods import week_start
from apps.roles.models import Membership, Team, TeamMember
from apps.roles.policies import AnyUser, organisation_users
from apps.rollout.selectors import net_beneficiary_counts
from apps.scoring.models import ScoreSnapshot

User = get_user_model()


@dataclass(frozen=True)
class TeamPerson:
    user: Any
    go_live_on: dt.date | None

    @property
    def pk(self) -> int:
        return int(self.user.pk)

    @property
    def name(self) -> str:
        return str(self.user.get_full_name() or self.user.get_username())


@dataclass(frozen=True)
class Suggestion:
    person: TeamPerson
    standing: PeerStanding


@dataclass(frozen=True)
class AmbassadorReach:
    person: TeamPerson
    reach: PeerReach


@dataclass
class TeamAmbassadors:
    team: Team
    adoption: AdoptionShare
    ambassadors: list[TeamPerson] = field(default_factory=list)
    candidates: list[TeamPerson] = field(default_factory=list)  # members who could be nominated
    suggestions: list[Suggestion] = field(default_factory=list)  # candidates colleagues thank most
    reach: list[AmbassadorReach] = field(default_factory=list)  # piloting ambassadors' peer reach


def _scored_per_team(*, organisation_id: int, today: dt.date | None) -> dict[int, dict[str, int]]:
    """Return per team id this week's scored members and net beneficiaries, in one query.

    Every member counts, managers too, as in a phase covering the team: a team's share and
    its phase's share are one figure (`net_beneficiary_counts`) over the same people.
    """
    monday = week_start(today or timezone.localdate())
    rows = net_beneficiary_counts(
        ScoreSnapshot.objects.filter(
            period_start=monday, user__team_memberships__team__organisation_id=organisation_id
        ),
        "user__team_memberships__team_id",
    )
    return {
        row["user__team_memberships__team_id"]: {"scored": row["scored"], "net_beneficiaries": row["net_beneficiaries"]}
        for row in rows
    }


def ambassadors_overview(
    *, organisation_id: int, today: dt.date | None = None, with_network: bool = False
) -> list[TeamAmbassadors]:
    """Return every team of the organisation with its ambassadors, candidates and adoption.

    With `with_network` (the lead, nominating) also each team's suggested candidates from
    the peer network and each piloting ambassador's peer reach: at most three queries more.
    """
    scored = _scored_per_team(organisation_id=organisation_id, today=today)
    nobody = {"scored": 0, "net_beneficiaries": 0}
    by_team = {
        team.pk: TeamAmbassadors(team=team, adoption=AdoptionShare(label=team.name, **scored.get(team.pk, nobody)))
        for team in Team.objects.filter(organisation_id=organisation_id).order_by("name")
    }
    members = (
        TeamMember.objects.filter(team__organisation_id=organisation_id, is_manager=False)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    go_live = dict(Membership.objects.filter(organisation_id=organisation_id).values_list("user_id", "go_live_on"))
    for member in members:
        row = by_team[member.team_id]
        person = TeamPerson(user=member.user, go_live_on=go_live.get(member.user_id))
        (row.ambassadors if member.is_ambassador else row.candidates).append(person)
    if with_network:
        _add_network(by_team.values(), organisation_id=organisation_id, today=today)
    return list(by_team.values())


def _add_network(rows: Iterable[TeamAmbassadors], *, organisation_id: int, today: dt.date | None) -> None:
    rows = list(rows)
    standings = peer_standing(organisation_id=organisation_id, today=today)
    piloting = {p.pk: p for row in rows for p in row.ambassadors if p.go_live_on is not None}
    reach = {
        r.user_id: r for r in peer_reach(
            go_live={pk: p.go_live_on for pk, p in piloting.items() if p.go_live_on is not None},
            organisation_id=organisation_id, today=today,
        )
    } if piloting else {}
    for row in rows:
        people = {p.pk: p for p in row.candidates}
        row.suggestions = [Suggestion(person=people[s.user_id], standing=s)
                           for s in suggested(standings, list(people))]
        row.reach = [AmbassadorReach(person=p, reach=reach[p.pk]) for p in row.ambassadors if p.pk in reach]


def comparison(rows: list[TeamAmbassadors], *, without_label: str) -> tuple[list[AdoptionShare], AdoptionShare]:
    """Return the adoption of each team with an ambassador, and of all teams without one together."""
    with_ambassador = [row.adoption for row in rows if row.ambassadors]
    without = [row.adoption for row in rows if not row.ambassadors]
    return with_ambassador, pooled_share(without_label, without)


def colleagues(user: AnyUser) -> QuerySet:
    """Return the people in the user's organisation they may give kudos to (not themself)."""
    if user.pk is None:
        return User.objects.none()
    return organisation_users(user).exclude(pk=int(user.pk)).order_by("first_name", "last_name", "username")


def kudos_received(*, user_id: int) -> QuerySet[Kudos]:
    return Kudos.objects.filter(receiver_id=user_id).select_related("giver", "delivery").order_by("-created_at")


def kudos_given(*, user_id: int, limit: int = 10) -> list[Kudos]:
    return list(Kudos.objects.filter(giver_id=user_id).select_related("receiver").order_by("-created_at")[:limit])


def kudos_left(*, user_id: int, now: dt.datetime | None = None) -> int:
    """Return how many kudos the person may still give today."""
    now = now or timezone.now()
    day_start = dt.datetime.combine(timezone.localtime(now).date(), dt.time.min, tzinfo=timezone.get_current_timezone())
    given = Kudos.objects.filter(giver_id=user_id, created_at__gte=day_start,
                                 created_at__lt=day_start + dt.timedelta(days=1)).count()
    return kudos_left_today(given_today=given, per_day=KUDOS_PER_DAY)
