"""The peer network: who colleagues thank for help, and what an ambassador's help led to.

The help the product records between colleagues is kudos (a colleague thanking another);
nothing else in the data names a helper and a helped colleague. Candidates are suggested by
how many colleagues thanked them (in-degree) and from how many teams (reach across teams),
never by seniority or title.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext

from apps.ambassadors.models import Kudos
from apps.core.periods import week_start
from apps.scoring.models import NET_BENEFICIARY_STATUSES, ScoreSnapshot

NETWORK_DAYS = 90  # kudos of the last 90 days make the network
MIN_COLLEAGUES = 2  # thanked by at least two different colleagues to be suggested
SUGGESTIONS_PER_TEAM = 3


@dataclass(frozen=True)
class PeerStanding:
    user_id: int
    colleagues: int  # different colleagues who thanked them (in-degree)
    teams: int  # different teams those colleagues are in (reach across teams)

    @property
    def reason(self) -> str:
        """Return why they are suggested, in words: "thanked by 6 colleagues in 3 teams"."""
        thanked = ngettext("thanked by %(n)d colleague", "thanked by %(n)d colleagues", self.colleagues) % {
            "n": self.colleagues}
        if not self.teams:
            return thanked
        return ngettext("%(thanked)s in %(n)d team", "%(thanked)s in %(n)d teams", self.teams) % {
            "thanked": thanked, "n": self.teams}


def peer_standing(*, organisation_id: int, today: dt.date | None = None) -> dict[int, PeerStanding]:
    """Return {person: standing} from the organisation's kudos of the last NETWORK_DAYS days (one query).

    A giver in several teams counts once per team for reach; a giver who is no team's
    member adds to the colleagues but to no team.
    """
    today = today or timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=NETWORK_DAYS - 1), dt.time.min))
    rows = (
        Kudos.objects.filter(organisation_id=organisation_id, created_at__gte=since)
        .values("receiver_id")
        .annotate(
            colleagues=Count("giver_id", distinct=True),
            teams=Count("giver__team_memberships__team_id", distinct=True,
                        filter=Q(giver__team_memberships__team__organisation_id=organisation_id)),
        )
        .order_by()
    )
    return {
        row["receiver_id"]: PeerStanding(user_id=row["receiver_id"], colleagues=row["colleagues"], teams=row["teams"])
        for row in rows
    }


def suggested(standings: dict[int, PeerStanding], candidate_ids: list[int]) -> list[PeerStanding]:
    """Return up to SUGGESTIONS_PER_TEAM candidates thanked by MIN_COLLEAGUES or more, most respected first.

    Ordered by colleagues, then teams reached, then id (a stable order, no seniority).
    """
    found = [standings[c] for c in candidate_ids if c in standings and standings[c].colleagues >= MIN_COLLEAGUES]
    found.sort(key=lambda s: (-s.colleagues, -s.teams, s.user_id))
    return found[:SUGGESTIONS_PER_TEAM]


def statuses_by_week(*, user_ids: list[int], mondays: list[dt.date]) -> dict[tuple[int, dt.date], str]:
    """Return {(person, Monday): score status} of the weekly snapshots of these people and weeks (one query)."""
    rows = ScoreSnapshot.objects.filter(user_id__in=user_ids, period_start__in=mondays)
    return {(u, m): s for u, m, s in rows.values_list("user_id", "period_start", "status")}


@dataclass(frozen=True)
class PeerReach:
    user_id: int
    go_live_on: dt.date
    helped: int  # colleagues who thanked them on or after their pilot go-live
    became_net_beneficiaries: int  # of them, not a net beneficiary the week they said thanks, one now

    @property
    def summary(self) -> str:
        """Return the reach in words: "helped 4 colleagues; 2 of them have since become net beneficiaries"."""
        helped = ngettext("helped %(n)d colleague", "helped %(n)d colleagues", self.helped) % {"n": self.helped}
        return ngettext("%(helped)s; %(n)d of them has since become a net beneficiary",
                        "%(helped)s; %(n)d of them have since become net beneficiaries",
                        self.became_net_beneficiaries) % {"helped": helped, "n": self.became_net_beneficiaries}


def peer_reach(
    *, go_live: dict[int, dt.date], organisation_id: int, today: dt.date | None = None
) -> list[PeerReach]:
    """Return each piloting ambassador's peer reach; `go_live` maps the ambassadors to their go-live dates.

    Helped: colleagues who thanked the ambassador on or after the ambassador's go-live date.
    Became a net beneficiary: the colleague's score status the week of their first thanks was
    not a net-beneficiary status (or they had no score yet) and this week's is. Two queries
    whatever the number of people (none without a piloting ambassador).
    """
    monday = week_start(today or timezone.localdate())
    if not go_live:
        return []
    since_pilot = Q()
    for user_id, day in go_live.items():
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        since_pilot |= Q(receiver_id=user_id, created_at__gte=start)
    first_thanks = (
        Kudos.objects.filter(since_pilot, organisation_id=organisation_id)
        .values("receiver_id", "giver_id")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    helped: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for row in first_thanks:
        helped[row["receiver_id"]][row["giver_id"]] = week_start(timezone.localdate(row["first"]))
    givers = {giver for pairs in helped.values() for giver in pairs}
    weeks = {week for pairs in helped.values() for week in pairs.values()} | {monday}
    status = statuses_by_week(user_ids=sorted(givers), mondays=sorted(weeks))
    result = []
    for user_id, day in sorted(go_live.items()):
        pairs = helped.get(user_id, {})
        became = sum(
            1 for giver, week in pairs.items()
            if status.get((giver, week)) not in NET_BENEFICIARY_STATUSES
            and status.get((giver, monday)) in NET_BENEFICIARY_STATUSES
        )
        result.append(PeerReach(user_id=user_id, go_live_on=day, helped=len(pairs), became_net_beneficiaries=became))
    return result
