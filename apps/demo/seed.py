"""A realistic, deterministic demo organisation with twelve weeks of distinct adoption stories.

Stories (per person): thriving reps who log briefly and use what they get back; a rep whose
use is declining; net losers who spend long on entries and never open what they are sent;
someone who never logs; a late starter in the second phase. History is written in bulk and
then scored with the same services production uses.
"""

import datetime as dt
import importlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apps.activities.models import Account, Activity, Deal, DealStageChange, Stage
from apps.activities.services import EVENT_KIND_OF_TYPE
from apps.core.periods import week_start
from apps.givegets.models import Cadence, Delivery, DeliveryKind, GiveGetContract
from apps.pulse.models import PulseResponse
from apps.quickwins.models import QuickWinMilestone
from apps.quickwins.services import quickwin_results_refresh
from apps.roles.models import Membership, Organisation, Role, RoleKind, Team, TeamMember
from apps.rollout.models import PhaseEvent, PhaseStatus, RolloutPhase
from apps.scoring.services import scores_compute
from apps.suggestions.models import Suggestion, SuggestionStatus
from apps.trust.models import DataUseStatement
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent

DEMO_PASSWORD = "demo1234"
ORGANISATION_NAME = "Nordlys Solutions ApS"
WEEKS = 12
# Apps that add their own demo data expose `seed_demo(ctx: DemoContext) -> None` in demo.py,
# and optionally `after_scores(ctx)` for data that reads the computed scores.
EXTENSION_MODULES = [
    "apps.givegets.demo", "apps.pulse.demo", "apps.ambassadors.demo",
    "apps.suggestions.demo", "apps.service.demo", "apps.campaigns.demo", "apps.trust.demo",
    "apps.digests.demo", "apps.rollout.demo",
]

ACCOUNT_NAMES = [
    "Aarhus Maskinfabrik", "Bornholm Bryghus", "Carlsen Logistik", "Dansk Solvarme", "Esbjerg Offshore Service",
    "Fyns Fødevarer", "Gudenå Energi", "Herning Tekstil", "Ishøj Byggemarked", "Jysk Vandteknik",
    "Kolding Designhus", "Lolland Landbrug", "Møns Klint Turisme", "Nakskov Skibsværft", "Odense Robotics Lab",
    "Præstø Planteskole", "Roskilde Festival Teknik", "Silkeborg Papir", "Thisted Vindkraft", "Ulfborg Møbler",
    "Vejle Medico", "Viborg Kommunale Ejendomme", "Aalborg Portland Service", "Horsens Havn", "Frederikshavn Fisk",
    "Svendborg Sejl", "Holstebro Hospitalsudstyr", "Randers Regnskov Café", "Greve Elektronik", "Køge Kemi",
    "Hillerød IT-partner", "Nyborg Glas", "Skive Staal", "Haderslev Biler", "Sønderborg Sensorer",
    "Ribe Rejser", "Tønder Træ", "Slagelse Sikkerhed", "Næstved Naturgas", "Hjørring Hotel",
]

STAGES = [
    ("Lead", "Call to qualify the need", 7),
    ("Qualified", "Book a discovery meeting", 10),
    ("Meeting held", "Send a proposal", 10),
    ("Proposal sent", "Follow up on the proposal", 14),
    ("Negotiation", "Agree the contract terms", 14),
]


@dataclass(frozen=True)
class Story:
    """How one person uses the CRM week by week."""

    name: str
    logs_per_week: tuple[int, int]  # min, max entries in a normal week
    entry_seconds: tuple[int, int]  # measured time per entry
    digest_open_rate: float
    suggestion_accept_rate: float
    decline_from_week: int | None = None  # weeks ago when use started to fade
    never_logs: bool = False


STORIES = {
    "thriving": Story("thriving", (6, 11), (25, 90), 0.9, 0.7),
    "declining": Story("declining", (6, 10), (40, 110), 0.85, 0.6, decline_from_week=4),
    "net_loser": Story("net_loser", (10, 16), (200, 420), 0.05, 0.05),
    "never_logs": Story("never_logs", (0, 0), (0, 0), 0.0, 0.0, never_logs=True),
    "steady": Story("steady", (3, 6), (40, 120), 0.6, 0.4),
}

# (username, first, last, role kind, team, story, is_manager, is_ambassador)
PEOPLE = [
    ("lene", "Lene", "Holm", RoleKind.PROJECT_LEAD, None, "steady", False, False),
    ("mads", "Mads", "Kristensen", RoleKind.MANAGER, "Sales East", "steady", True, False),
    ("sofie", "Sofie", "Lund", RoleKind.MANAGER, "Sales West", "steady", True, False),
    ("henrik", "Henrik", "Bach", RoleKind.MANAGER, "Service & Marketing", "steady", True, False),
    ("rasmus", "Rasmus", "Nielsen", RoleKind.SALES_REP, "Sales East", "thriving", False, True),
    ("camilla", "Camilla", "Jensen", RoleKind.SALES_REP, "Sales East", "thriving", False, False),
    ("jonas", "Jonas", "Poulsen", RoleKind.SALES_REP, "Sales East", "declining", False, False),
    ("mette", "Mette", "Larsen", RoleKind.SALES_REP, "Sales East", "net_loser", False, False),
    ("peter", "Peter", "Sørensen", RoleKind.SALES_REP, "Sales East", "never_logs", False, False),
    ("ida", "Ida", "Rasmussen", RoleKind.SALES_REP, "Sales East", "thriving", False, False),
    ("anders", "Anders", "Pedersen", RoleKind.SALES_REP, "Sales East", "steady", False, False),
    ("freja", "Freja", "Madsen", RoleKind.SALES_REP, "Sales East", "thriving", False, False),
    ("kasper", "Kasper", "Andersen", RoleKind.SALES_REP, "Sales West", "steady", False, True),
    ("louise", "Louise", "Christensen", RoleKind.SALES_REP, "Sales West", "thriving", False, False),
    ("thomas", "Thomas", "Hansen", RoleKind.SALES_REP, "Sales West", "net_loser", False, False),
    ("emma", "Emma", "Thomsen", RoleKind.SALES_REP, "Sales West", "thriving", False, False),
    ("nikolaj", "Nikolaj", "Olsen", RoleKind.SALES_REP, "Sales West", "net_loser", False, False),
    ("julie", "Julie", "Møller", RoleKind.SALES_REP, "Sales West", "declining", False, False),
    ("oliver", "Oliver", "Berg", RoleKind.SALES_REP, "Sales West", "steady", False, False),
    ("sara", "Sara", "Dahl", RoleKind.SALES_REP, "Sales West", "never_logs", False, False),
    ("lars", "Lars", "Friis", RoleKind.SERVICE_AGENT, "Service & Marketing", "thriving", False, True),
    ("anne", "Anne", "Vestergaard", RoleKind.SERVICE_AGENT, "Service & Marketing", "steady", False, False),
    ("mikkel", "Mikkel", "Holst", RoleKind.SERVICE_AGENT, "Service & Marketing", "net_loser", False, False),
    ("karen", "Karen", "Winther", RoleKind.SERVICE_AGENT, "Service & Marketing", "thriving", False, False),
    ("bo", "Bo", "Kjær", RoleKind.SERVICE_AGENT, "Service & Marketing", "declining", False, False),
    ("nanna", "Nanna", "Schmidt", RoleKind.MARKETER, "Service & Marketing", "thriving", False, False),
    ("emil", "Emil", "Mortensen", RoleKind.MARKETER, "Service & Marketing", "steady", False, False),
    ("signe", "Signe", "Eriksen", RoleKind.MARKETER, "Service & Marketing", "net_loser", False, False),
    ("victor", "Victor", "Knudsen", RoleKind.MARKETER, "Service & Marketing", "thriving", False, False),
]

ROLE_NAMES = {
    RoleKind.SALES_REP: "Sales rep",
    RoleKind.SERVICE_AGENT: "Service agent",
    RoleKind.MARKETER: "Marketer",
    RoleKind.MANAGER: "Sales manager",
    RoleKind.PROJECT_LEAD: "CRM project lead",
}

# What each role types in, with the share of their entries of each kind.
GIVE_MIX: dict[str, list[tuple[str, float]]] = {
    RoleKind.SALES_REP: [(EventKind.CALL_LOGGED, 0.45), (EventKind.MEETING_LOGGED, 0.3), (EventKind.EMAIL_LOGGED, 0.15), (EventKind.NOTE_LOGGED, 0.1)],
    RoleKind.SERVICE_AGENT: [(EventKind.CASE_LOGGED, 0.7), (EventKind.CALL_LOGGED, 0.3)],
    RoleKind.MARKETER: [(EventKind.CAMPAIGN_LOGGED, 0.4), (EventKind.DEAL_ATTRIBUTED, 0.6)],
    RoleKind.MANAGER: [(EventKind.NOTE_LOGGED, 0.7), (EventKind.MEETING_LOGGED, 0.3)],
    RoleKind.PROJECT_LEAD: [(EventKind.NOTE_LOGGED, 1.0)],
}

CONTRACTS = [
    (RoleKind.SALES_REP, EventKind.MEETING_LOGGED, 5, DeliveryKind.WEEKLY_DIGEST, 60, Cadence.WEEKLY,
     "5 minutes per logged meeting gives you an automatic weekly report – you save the hour you spend on it today."),
    (RoleKind.SALES_REP, EventKind.CALL_LOGGED, 2, DeliveryKind.NEXT_ACTION, 5, Cadence.PER_OCCURRENCE,
     "A two-minute call log gives you the next step for the deal at once."),
    (RoleKind.SERVICE_AGENT, EventKind.CASE_LOGGED, 3, DeliveryKind.CUSTOMER_CONTEXT, 10, Cadence.PER_OCCURRENCE,
     "Logging each case gives you the customer's whole history in one view – no need to ask them again."),
    (RoleKind.MARKETER, EventKind.DEAL_ATTRIBUTED, 1, DeliveryKind.CAMPAIGN_REPORT, 45, Cadence.WEEKLY,
     "Attributing deals to campaigns gives you a closed-loop report: campaign, pipeline, revenue."),
    (RoleKind.MANAGER, EventKind.NOTE_LOGGED, 3, DeliveryKind.COACHING_DIAGNOSTIC, 30, Cadence.WEEKLY,
     "Coaching notes give you a weekly diagnostic of where each person's deals stall."),
]

MILESTONES = [
    (RoleKind.SALES_REP, "Log your first meeting and get the next step", EventKind.MEETING_LOGGED),
    (RoleKind.SERVICE_AGENT, "Log a case and see the customer's whole history", EventKind.CASE_LOGGED),
    (RoleKind.MARKETER, "Attribute a deal to your campaign", EventKind.DEAL_ATTRIBUTED),
]

CHARTER = [
    ("Activity log (calls, meetings, e-mails)",
     "Your own next-action suggestions, your weekly digest and your own Net Beneficiary score.",
     "Ranking people by how many calls they log, or any pay or HR decision."),
    ("Entry time (how long logging takes)",
     "Finding out where the CRM costs people time, so we can make it faster.",
     "Judging anyone's effort or speed."),
    ("Deal stages and durations",
     "Coaching: showing where in the sales process deals stall, compared with the team.",
     "Surveillance leaderboards."),
    ("Pulse survey answers",
     "Team and organisation averages (5 answers or more) and your own score.",
     "Showing any one person's answers to their manager."),
]


@dataclass
class DemoContext:
    organisation: Organisation
    today: dt.date
    rng: random.Random
    roles: dict[str, Role] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    stories: dict[int, Story] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    phases: list[RolloutPhase] = field(default_factory=list)
    # How many weeks of history the demo writes; extensions read it here, not from this module.
    weeks: int = WEEKS


def _aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _weighted(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    kinds, weights = zip(*mix, strict=True)
    return rng.choices(kinds, weights=weights)[0]


def _workday(rng: random.Random, monday: dt.date, today: dt.date) -> dt.date | None:
    day = monday + dt.timedelta(days=rng.randint(0, 4))
    return day if day < today else None


def _organisation(ctx: DemoContext) -> None:
    for kind, name in ROLE_NAMES.items():
        ctx.roles[kind] = Role.objects.create(organisation=ctx.organisation, kind=kind, name=name)
    for team_name in ("Sales East", "Sales West", "Service & Marketing"):
        ctx.teams[team_name] = Team.objects.create(organisation=ctx.organisation, name=team_name)
    for order, (name, next_step, idle) in enumerate(STAGES, start=1):
        ctx.stages.append(Stage.objects.create(
            organisation=ctx.organisation, name=name, order=order, next_step=next_step, idle_days=idle))
    ctx.stages.append(Stage.objects.create(organisation=ctx.organisation, name="Won", order=90, is_won=True))
    ctx.stages.append(Stage.objects.create(organisation=ctx.organisation, name="Lost", order=91, is_lost=True))
    ctx.accounts = [Account.objects.create(organisation=ctx.organisation, name=n) for n in ACCOUNT_NAMES]


def _people(ctx: DemoContext) -> None:
    phase1_live = week_start(ctx.today) - dt.timedelta(weeks=WEEKS - 1)
    phase2_live = week_start(ctx.today) - dt.timedelta(weeks=5)
    for username, first, last, kind, team_name, story, is_manager, is_ambassador in PEOPLE:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
            email=f"{username}@nordlys.example",
        )
        in_phase_one = team_name in (None, "Sales East")
        go_live = phase1_live if in_phase_one or is_ambassador else phase2_live
        Membership.objects.create(user=user, organisation=ctx.organisation, role=ctx.roles[kind], go_live_on=go_live)
        if team_name:
            TeamMember.objects.create(team=ctx.teams[team_name], user=user, is_manager=is_manager,
                                      is_ambassador=is_ambassador)
        ctx.users[username] = user
        ctx.stories[user.pk] = STORIES[story]
    User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="admin@nordlys.example")


def _configuration(ctx: DemoContext) -> None:
    for kind, give, give_min, get, get_min, cadence, wiifm in CONTRACTS:
        GiveGetContract.objects.create(
            role=ctx.roles[kind], give_kind=give, give_expected_minutes=give_min, get_kind=get,
            get_minutes_saved=get_min, cadence=cadence, wiifm=wiifm)
    for kind, name, event_kind in MILESTONES:
        QuickWinMilestone.objects.create(role=ctx.roles[kind], name=name, event_kind=event_kind, due_days=7)
    for order, (category, used, never) in enumerate(CHARTER):
        DataUseStatement.objects.create(organisation=ctx.organisation, category=category, used_for=used,
                                        never_used_for=never, order=order)
    monday = week_start(ctx.today)
    p1 = RolloutPhase.objects.create(
        organisation=ctx.organisation, name="Phase 1: Sales East", order=1,
        planned_start=monday - dt.timedelta(weeks=WEEKS + 1), go_live_on=monday - dt.timedelta(weeks=WEEKS - 1),
        status=PhaseStatus.GATE_PASSED)
    p1.teams.add(ctx.teams["Sales East"])
    p2 = RolloutPhase.objects.create(
        organisation=ctx.organisation, name="Phase 2: Sales West, service and marketing", order=2,
        planned_start=monday - dt.timedelta(weeks=6), go_live_on=monday - dt.timedelta(weeks=5),
        status=PhaseStatus.LIVE)
    p2.teams.add(ctx.teams["Sales West"], ctx.teams["Service & Marketing"])
    lead = ctx.users["lene"]
    PhaseEvent.objects.bulk_create([
        PhaseEvent(phase=p1, happened_at=_aware(p1.go_live_on, 8, 0), actor=lead, from_status=PhaseStatus.PLANNED,
                   to_status=PhaseStatus.LIVE),
        PhaseEvent(phase=p1, happened_at=_aware(p2.planned_start, 9, 0), actor=lead, from_status=PhaseStatus.LIVE,
                   to_status=PhaseStatus.GATE_PASSED),
        PhaseEvent(phase=p2, happened_at=_aware(p2.go_live_on, 8, 0), actor=lead, from_status=PhaseStatus.PLANNED,
                   to_status=PhaseStatus.LIVE),
    ])
    ctx.phases = [p1, p2]


def _deals(ctx: DemoContext) -> dict[int, list[Deal]]:
    """Give every sales rep deals that moved through the stages over the twelve weeks."""
    open_stages = ctx.stages[:5]
    won, lost = ctx.stages[5], ctx.stages[6]
    deals_by_rep: dict[int, list[Deal]] = {}
    start = week_start(ctx.today) - dt.timedelta(weeks=WEEKS - 1)
    changes: list[DealStageChange] = []
    rep_kind = ctx.roles[RoleKind.SALES_REP]
    for user in User.objects.filter(memberships__role=rep_kind).order_by("pk"):
        story = ctx.stories[user.pk]
        # A slow rep lingers in one stage: that is what the coaching view should reveal.
        slow_stage = ctx.rng.randrange(1, 4) if story.name in ("net_loser", "declining") else None
        rep_deals = []
        # Deals are lost at every stage, more often where a rep struggles: conversion varies.
        loss_rate = 0.22 if story.name in ("net_loser", "declining") else 0.1
        for n in range(ctx.rng.randint(9, 14)):
            account = ctx.rng.choice(ctx.accounts)
            engaged = start + dt.timedelta(days=ctx.rng.randint(0, 45))
            moment = _aware(engaged, 9, 0)
            deal = Deal.objects.create(
                account=account, owner=user, name=f"{account.name} – {['Pilot', 'Expansion', 'Renewal', 'Platform'][n % 4]}",
                amount=Decimal(ctx.rng.randrange(40, 900) * 1000), stage=open_stages[0], stage_entered_at=moment,
                engaged_on=engaged, last_activity_at=moment)
            target = ctx.rng.randint(1, 6)
            current = open_stages[0]
            for step in range(1, target + 1):
                days = ctx.rng.randint(3, 12) * (3 if slow_stage == step - 1 else 1)
                nxt_moment = moment + dt.timedelta(days=days)
                if nxt_moment.date() >= ctx.today:
                    break
                if ctx.rng.random() < loss_rate:
                    nxt = lost
                else:
                    nxt = open_stages[step] if step < 5 else (won if ctx.rng.random() < 0.7 else lost)
                changes.append(DealStageChange(deal=deal, from_stage=current, to_stage=nxt, changed_at=nxt_moment,
                                               seconds_in_from_stage=days * 86400, changed_by=user))
                current, moment = nxt, nxt_moment
                if nxt.is_closed:
                    break
            deal.stage = current
            deal.stage_entered_at = moment
            deal.last_activity_at = moment
            deal.closed_on = moment.date() if current.is_closed else None
            deal.save()
            rep_deals.append(deal)
        deals_by_rep[user.pk] = rep_deals
    DealStageChange.objects.bulk_create(changes)
    return deals_by_rep


def _history(ctx: DemoContext, deals_by_rep: dict[int, list[Deal]]) -> None:
    """Write twelve weeks of activities, usage events and deliveries, story by story."""
    events: list[UsageEvent] = []
    activities: list[tuple[Activity, int]] = []
    deliveries: list[Delivery] = []
    suggestions: list[Suggestion] = []
    contracts = {(c.role_id, c.get_kind): c for c in GiveGetContract.objects.all()}
    # Gets delivered per logged entry (other than next actions, which every entry may earn).
    per_occurrence = {
        (c.role_id, c.give_kind): c
        for c in GiveGetContract.objects.filter(cadence=Cadence.PER_OCCURRENCE).exclude(get_kind=DeliveryKind.NEXT_ACTION)
    }
    memberships = {m.user_id: m for m in Membership.objects.select_related("role")}
    this_monday = week_start(ctx.today)
    activity_type_of: dict[str, str] = {v: k for k, v in EVENT_KIND_OF_TYPE.items()}
    for user_id, story in sorted(ctx.stories.items()):
        membership = memberships[user_id]
        role = membership.role
        go_live = membership.go_live_on or this_monday
        for weeks_ago in range(WEEKS - 1, -1, -1):
            monday = this_monday - dt.timedelta(weeks=weeks_ago)
            if monday + dt.timedelta(days=6) < go_live or story.never_logs:
                continue
            fade = 1.0
            slowdown = 1.0
            if story.decline_from_week is not None and weeks_ago < story.decline_from_week:
                # Fading out: still logging (more slowly), but no longer using what comes back.
                fade = 0.15 + 0.2 * weeks_ago
                slowdown = 2.0
            low, high = story.logs_per_week
            # Someone fading out keeps most of their logging for a while (it is expected of them);
            # what goes first is using what comes back, so their score falls week after week.
            count = round(ctx.rng.randint(low, high) * (0.5 + 0.5 * fade))
            for i in range(count):
                day = _workday(ctx.rng, max(monday, go_live), ctx.today)
                if day is None:
                    continue
                moment = _aware(day, ctx.rng.randint(8, 16), ctx.rng.randint(0, 59))
                kind = _weighted(ctx.rng, GIVE_MIX[role.kind])
                seconds = (
                    round(ctx.rng.randint(*story.entry_seconds) * slowdown) if ctx.rng.random() < 0.85 else None
                )
                key = f"demo:{user_id}:{monday}:{i}"
                events.append(UsageEvent(user_id=user_id, kind=kind, occurred_at=moment, duration_seconds=seconds,
                                         source=EventSource.APP if seconds else EventSource.IMPORT,
                                         idempotency_key=key))
                rep_deals = deals_by_rep.get(user_id)
                if kind in activity_type_of and rep_deals:
                    deal = ctx.rng.choice(rep_deals)
                    activities.append((Activity(
                        owner_id=user_id, type=activity_type_of[kind], account=deal.account, deal=deal,
                        summary=ctx.rng.choice(["Talked budget; they want a proposal", "Demo went well",
                                                "Left a voicemail", "Agreed next meeting", "Sent pricing"]),
                        occurred_at=moment, entry_seconds=seconds), len(events) - 1))
                per_entry_get = per_occurrence.get((role.pk, kind))
                if per_entry_get is not None:
                    # e.g. a logged case opens the customer's whole history for the agent.
                    used = ctx.rng.random() < story.suggestion_accept_rate * fade
                    deliveries.append(Delivery(
                        user_id=user_id, kind=per_entry_get.get_kind, contract=per_entry_get, delivered_at=moment,
                        consumed_at=moment + dt.timedelta(minutes=1) if used else None,
                        value_minutes=per_entry_get.get_minutes_saved, idempotency_key=f"demo-get:{key}"))
                if ctx.rng.random() < 0.5:
                    accepted = ctx.rng.random() < story.suggestion_accept_rate * fade
                    contract = contracts.get((role.pk, DeliveryKind.NEXT_ACTION))
                    deliveries.append(Delivery(
                        user_id=user_id, kind=DeliveryKind.NEXT_ACTION, delivered_at=moment,
                        consumed_at=moment + dt.timedelta(minutes=2) if accepted else None,
                        value_minutes=contract.get_minutes_saved if contract else role.suggestion_accepted_minutes,
                        contract=contract, idempotency_key=f"demo-suggestion:{key}"))
            weekly = [c for (rid, _k), c in contracts.items() if rid == role.pk and c.cadence != Cadence.PER_OCCURRENCE]
            for contract in weekly:
                if weeks_ago == 0:
                    continue
                sent = _aware(monday, 7, 0)
                opened = ctx.rng.random() < story.digest_open_rate * fade * fade
                deliveries.append(Delivery(
                    user_id=user_id, kind=contract.get_kind, contract=contract, value_minutes=contract.get_minutes_saved,
                    delivered_at=sent, consumed_at=sent + dt.timedelta(hours=ctx.rng.randint(1, 30)) if opened else None,
                    idempotency_key=f"demo-weekly:{contract.pk}:{user_id}:{monday}"))
    created_events = UsageEvent.objects.bulk_create(events, batch_size=2000)
    for activity, index in activities:
        activity.usage_event = created_events[index]
    Activity.objects.bulk_create([a for a, _ in activities], batch_size=2000)
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    for user_id, rep_deals in deals_by_rep.items():
        for deal in rep_deals[:2]:
            if not deal.stage.is_closed and deal.stage.next_step:
                suggestions.append(Suggestion(
                    user_id=user_id, rule="stage_next_step", text=f"{deal.stage.next_step} – {deal.name}",
                    reason=f"Your last activity on this deal was in “{deal.stage.name}”.", deal=deal,
                    account_id=deal.account_id, created_at=timezone.now(), status=SuggestionStatus.OPEN,
                    dedupe_key=f"{user_id}:stage_next_step:{deal.pk}:{deal.stage_id}"))
    Suggestion.objects.bulk_create(suggestions)


def _pulse(ctx: DemoContext) -> None:
    answers = []
    for user_id, story in ctx.stories.items():
        if story.never_logs or ctx.rng.random() < 0.3:
            continue
        base = {"thriving": 6, "steady": 5, "declining": 4, "net_loser": 2}.get(story.name, 4)
        pu = Decimal(min(7, max(1, base + ctx.rng.choice([-1, 0, 0, 1]))))
        peou = Decimal(min(7, max(1, base + ctx.rng.choice([-1, 0, 1]))))
        answered = _aware(ctx.today - dt.timedelta(days=ctx.rng.randint(1, 20)), 12, 0)
        answers.append(PulseResponse(user_id=user_id, answered_at=answered, perceived_usefulness=pu,
                                     perceived_ease_of_use=peou, answers={"pu1": int(pu), "peou1": int(peou)}))
    PulseResponse.objects.bulk_create(answers)


@transaction.atomic
def seed_demo(*, today: dt.date | None = None, random_seed: int = 20161201) -> DemoContext:
    """Create the demo organisation from scratch; refuses to run twice on the same database."""
    if Organisation.objects.filter(name=ORGANISATION_NAME).exists():
        raise ValueError(f"{ORGANISATION_NAME} already exists; use --reset to recreate it.")
    ctx = DemoContext(
        organisation=Organisation.objects.create(name=ORGANISATION_NAME),
        today=today or timezone.localdate(),
        rng=random.Random(random_seed),
    )
    _organisation(ctx)
    _people(ctx)
    _configuration(ctx)
    deals = _deals(ctx)
    _history(ctx, deals)
    _pulse(ctx)
    extensions = [importlib.import_module(name) for name in EXTENSION_MODULES]
    for module in extensions:
        module.seed_demo(ctx)
    user_ids = sorted(ctx.stories)
    this_monday = week_start(ctx.today)
    mondays = [this_monday - dt.timedelta(weeks=w) for w in range(WEEKS - 1, -1, -1)]
    scores_compute(user_ids=user_ids, mondays=mondays[:-1], close=True)
    scores_compute(user_ids=user_ids, mondays=mondays[-1:])
    quickwin_results_refresh(today=ctx.today)
    # Work that reads the finished scores (gate evaluations, digests) runs last.
    for module in extensions:
        if hasattr(module, "after_scores"):
            module.after_scores(ctx)
    return ctx


def demo_reset() -> None:
    """Delete the demo organisation and its people."""
    usernames = [p[0] for p in PEOPLE] + ["admin"]
    with transaction.atomic():
        users = User.objects.filter(username__in=usernames)
        # Usage events are append-only for the application; removing a whole demo is the exception.
        from django.db import connection

        with connection.cursor() as cursor:
            ids = list(users.values_list("pk", flat=True))
            if ids:
                placeholders = ",".join(["%s"] * len(ids))
                cursor.execute(
                    "DELETE FROM usage_usageeventkey WHERE event_id IN "  # noqa: S608
                    f"(SELECT id FROM usage_usageevent WHERE user_id IN ({placeholders}))", ids,
                )
                cursor.execute(f"DELETE FROM usage_usageevent WHERE user_id IN ({placeholders})", ids)  # noqa: S608
        Activity.objects.filter(owner__in=users).delete()
        Deal.objects.filter(owner__in=users).delete()
        Organisation.objects.filter(name=ORGANISATION_NAME).delete()
        users.delete()
