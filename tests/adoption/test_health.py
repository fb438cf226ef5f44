"""Garbage-data signals: near-empty and repeated notes, back-dated batches — counted by hand."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.activities.models import Account, Activity
from apps.activities.services import activity_log
from apps.adoption import health
from apps.adoption.selectors import counted_people, group_members
from apps.roles.models import Organisation, RoleKind, Team
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 2)
LAST = dt.date(2026, 3, 29)  # four weeks; the previous period is 2 – 29 February
TYPED = timezone.make_aware(dt.datetime(2026, 3, 10, 16, 0))


def _entry(owner_id: int, account: Account, summary: str, *, typed: dt.datetime = TYPED,
           late: dt.timedelta = dt.timedelta(0)) -> Activity:
    """Log an entry typed at `typed` about something that happened `late` earlier."""
    activity, _ = activity_log(owner_id=owner_id, type="call", account=account, summary=summary,
                               occurred_at=typed - late)
    Activity.objects.filter(pk=activity.pk).update(created_at=typed)
    return activity


def _member(org: Organisation, team: Team, name: str) -> int:
    user = factories.MembershipFactory(role__organisation=org, role__name="Sales", user__username=name).user
    factories.TeamMemberFactory(team=team, user=user)
    return int(user.pk)


def test_signal_people_at_the_edges() -> None:
    org = factories.OrganisationFactory()
    team = factories.TeamFactory(organisation=org)
    account = factories.AccountFactory(organisation=org)
    ids = {name: _member(org, team, name) for name in ("short", "ten", "thrice", "twice", "batch", "four",
                                                        "spread", "recent", "silent")}
    _entry(ids["short"], account, "Call done")  # 9 characters: near-empty
    _entry(ids["ten"], account, "  Call done.  ")  # 10 once trimmed: fine
    for text in ("Left voicemail", "left voicemail ", "LEFT VOICEMAIL"):  # the same text three times
        _entry(ids["thrice"], account, text)
    for _ in range(2):  # twice is not repeated
        _entry(ids["twice"], account, "Sent the offer to the buyer")
    three_days = dt.timedelta(days=3)
    for i in range(5):  # five entries three days late, typed within eight minutes
        _entry(ids["batch"], account, f"Visit {i} went well", typed=TYPED + dt.timedelta(minutes=2 * i),
               late=three_days)
    for i in range(4):  # four are not a batch
        _entry(ids["four"], account, f"Visit {i} went well", typed=TYPED + dt.timedelta(minutes=i), late=three_days)
    for i in range(5):  # five late entries over twenty minutes: not at once
        _entry(ids["spread"], account, f"Visit {i} went well", typed=TYPED + dt.timedelta(minutes=5 * i),
               late=three_days)
    for i in range(5):  # five at once, but only a day late
        _entry(ids["recent"], account, f"Visit {i} went well", typed=TYPED + dt.timedelta(minutes=i),
               late=dt.timedelta(days=1))
    _entry(ids["silent"], account, "ok", typed=TYPED - dt.timedelta(days=30))  # typed before the period

    found = health.signal_people(people=counted_people(organisation_id=org.pk), first_day=FIRST, last_day=LAST)

    assert found.loggers == {ids[n] for n in ids if n != "silent"}
    assert found.flagged == {"near_empty": {ids["short"]}, "repeated": {ids["thrice"]}, "backdated": {ids["batch"]}}


def test_shares_per_group_with_the_previous_period_and_hidden_small_groups() -> None:
    org = factories.OrganisationFactory()
    team = factories.TeamFactory(organisation=org, name="North")
    account = factories.AccountFactory(organisation=org)
    ids = [_member(org, team, f"rep{i}") for i in range(10)]
    before = TYPED - dt.timedelta(days=28)
    for i, user_id in enumerate(ids):
        _entry(user_id, account, "Discussed the renewal terms", typed=before)  # previous period: all fine
        # this period: five of ten near-empty; one of ten in a back-dated batch
        _entry(user_id, account, "ok" if i < 5 else "Agreed a demo next Tuesday")
    for n in range(5):
        _entry(ids[9], account, f"Visit {n} went well", typed=TYPED + dt.timedelta(minutes=n),
               late=dt.timedelta(days=4))
    people = counted_people(organisation_id=org.pk)

    rows = health.health_by_group(groups=group_members(organisation_id=org.pk, people=people), people=people,
                                  first_day=FIRST, last_day=LAST)

    by_group = {row.group: row for row in rows}
    assert set(by_group) == {"Team: North", "Role: Sales"}
    north = by_group["Team: North"]
    assert north.loggers == 10
    near_empty, repeated, backdated = (north.signals[s] for s in health.SIGNALS)
    assert (near_empty.pct, near_empty.previous_pct, near_empty.trend) == (50.0, 0.0, 50.0)
    assert (repeated.pct, repeated.trend) == (0.0, 0.0)
    # one person of ten could be told apart: hidden, and so is its trend
    assert (backdated.flagged, backdated.shown, backdated.pct, backdated.trend) == (1, False, None, None)


def test_previous_period_has_the_same_length() -> None:
    assert health.previous_period(first_day=FIRST, last_day=LAST) == (dt.date(2026, 2, 2), dt.date(2026, 3, 1))


def test_own_signals_counted_and_explained_on_my_page() -> None:
    org = factories.OrganisationFactory()
    team = factories.TeamFactory(organisation=org)
    account = factories.AccountFactory(organisation=org)
    me = _member(org, team, "me")
    now = timezone.now()
    _entry(me, account, "x", typed=now)
    for _ in range(3):
        _entry(me, account, "Follow-up call booked", typed=now)
    for n in range(5):
        _entry(me, account, f"Lunch meeting {n}", typed=now + dt.timedelta(seconds=n), late=dt.timedelta(days=5))
    today = timezone.localdate()
    own = health.own_signals(user_id=me, first_day=today - dt.timedelta(days=27), last_day=today)
    assert own == health.OwnSignals(entries=9, near_empty=1, repeated=3, backdated=5, backdated_batch=True)

    client = Client()
    client.force_login(factories.UserFactory._meta.model.objects.get(pk=me))
    body = client.get("/adoption/me/").content.decode()
    assert 'data-testid="near-empty"' in body
    assert 'data-testid="repeated"' in body
    assert 'data-testid="backdated"' in body


def test_the_lead_sees_signal_shares_without_names() -> None:
    org = factories.OrganisationFactory()
    lead = factories.MembershipFactory(role__organisation=org, role__kind=RoleKind.PROJECT_LEAD).user
    team = factories.TeamFactory(organisation=org, name="East")
    account = factories.AccountFactory(organisation=org)
    now = timezone.now()
    for i in range(10):
        _entry(_member(org, team, f"person{i}"), account, "ok" if i < 5 else "Booked the site visit", typed=now)
    client = Client()
    client.force_login(lead)
    body = client.get("/adoption/").content.decode()
    table = body.split('data-testid="signals"')[1].split("</table>")[0]
    assert "Team: East" in table
    assert "50 %" in table
    assert "person" not in table
