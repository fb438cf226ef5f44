"""Demo cases: the service agents' logged cases, on the demo accounts, for the customer timeline."""

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from apps.service.models import Case, CaseChannel, CaseStatus
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext

User = get_user_model()
SERVICE_AGENTS = ("lars", "anne", "mikkel", "karen", "bo")
CASES_PER_AGENT = 8
SUBJECTS = [
    ("Invoice shows the wrong VAT rate", "The March invoice used 20 % instead of 25 %."),
    ("Cannot log in to the customer portal", "Password reset mail never arrives."),
    ("Delivery arrived damaged", "Two pallets crushed; photos sent by e-mail."),
    ("Wants to add five more user licences", ""),
    ("Question about the service agreement renewal", "Asks whether the price is indexed."),
    ("Machine stops with error E42", "Happens after about an hour of running."),
    ("Needs a copy of the signed contract", ""),
    ("Change of billing address", "New address from next month."),
    ("Training for new staff", "Three new colleagues start next week."),
    ("Spare part on back order", "Asks for an expected delivery date."),
]


def seed_demo(ctx: "DemoContext") -> None:
    """Turn some of each service agent's logged-case events into cases on the demo accounts.

    The base seed already wrote the agents' CASE_LOGGED usage events; each demo case is linked to
    one of them, so the cases add customer history without counting anyone's give twice.
    """
    agents = list(User.objects.filter(username__in=SERVICE_AGENTS, memberships__organisation=ctx.organisation)
                  .order_by("username"))
    if not agents or not ctx.accounts:
        return
    events = UsageEvent.objects.filter(user__in=agents, kind=EventKind.CASE_LOGGED, case__isnull=True)
    by_agent: dict[int, list[UsageEvent]] = {}
    for event in events.order_by("occurred_at", "pk"):
        by_agent.setdefault(event.user_id, []).append(event)
    recent = dt.timedelta(days=10)
    cases = []
    for agent in agents:
        agent_events = by_agent.get(agent.pk, [])
        for event in ctx.rng.sample(agent_events, min(CASES_PER_AGENT, len(agent_events))):
            subject, description = ctx.rng.choice(SUBJECTS)
            is_recent = event.occurred_at.date() > ctx.today - recent
            status = ctx.rng.choice([CaseStatus.OPEN, CaseStatus.WAITING]) if is_recent else CaseStatus.SOLVED
            cases.append(Case(
                account=ctx.rng.choice(ctx.accounts), subject=subject, description=description, status=status,
                channel=ctx.rng.choice(CaseChannel.values), opened_by=agent, opened_at=event.occurred_at,
                solved_at=event.occurred_at + dt.timedelta(hours=ctx.rng.randint(1, 72))
                if status == CaseStatus.SOLVED else None,
                entry_seconds=event.duration_seconds, usage_event=event,
            ))
    Case.objects.bulk_create(cases)
