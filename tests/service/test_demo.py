"""The demo cases hang on the service agents' already-logged events, never doubling their give."""

import datetime as dt
import random

from django.utils import timezone

from apps.demo.seed import DemoContext
from apps.service.demo import CASES_PER_AGENT, seed_demo
from apps.service.models import Case
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories


def test_seed_demo_turns_logged_case_events_into_cases_on_the_demo_accounts(world):
    lars = factories.UserFactory(username="lars")
    factories.MembershipFactory(user=lars, role=world.roles["service_agent"], organisation=world.org)
    accounts = [factories.AccountFactory(organisation=world.org) for _ in range(3)]
    today = timezone.localdate()
    for days_ago in range(1, 13):
        factories.UsageEventFactory(user=lars, kind=EventKind.CASE_LOGGED,
                                    occurred_at=timezone.now() - dt.timedelta(days=days_ago))
    events_before = UsageEvent.objects.count()
    ctx = DemoContext(organisation=world.org, today=today, rng=random.Random(1), accounts=accounts)
    seed_demo(ctx)
    cases = list(Case.objects.select_related("usage_event"))
    assert len(cases) == CASES_PER_AGENT
    assert UsageEvent.objects.count() == events_before
    assert all(c.usage_event.user_id == lars.pk and c.opened_at == c.usage_event.occurred_at for c in cases)
    assert {c.account_id for c in cases} <= {a.pk for a in accounts}
    assert all((c.status == "solved") == (c.solved_at is not None) for c in cases)
