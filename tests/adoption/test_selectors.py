"""Adoption figures on small hand-made fixtures."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.adoption.figures import Lifecycle, frequency_bucket
from apps.adoption.models import ExcludedPerson
from apps.adoption.selectors import active_days_by_person, counted_people, frequency_buckets, weekly_lifecycle
from apps.roles.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 31)  # a Tuesday
MONDAY = dt.date(2026, 3, 30)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _person(org: Organisation, name: str, active_days: list[dt.date]) -> int:
    membership = factories.MembershipFactory(user__username=name, role__organisation=org)
    for day in active_days:
        # two events on the same day still make one active day
        factories.UsageEventFactory(user=membership.user, occurred_at=_at(day, 9))
        factories.UsageEventFactory(user=membership.user, occurred_at=_at(day, 15))
    return int(membership.user_id)


def _days_back(count: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=i) for i in range(count)]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(30, "daily"), (13, "daily"), (12, "weekly"), (5, "weekly"), (4, "monthly"), (1, "monthly"), (0, "dormant")],
)
def test_bucket_edges(days: int, bucket: str) -> None:
    assert frequency_bucket(days) == bucket


def test_frequency_buckets_count_each_person_once_at_the_edges() -> None:
    org = factories.OrganisationFactory()
    _person(org, "thirteen", _days_back(13))
    _person(org, "twelve", _days_back(12))
    _person(org, "five", _days_back(5))
    _person(org, "four", _days_back(4))
    _person(org, "one", _days_back(1))
    _person(org, "outside", [TODAY - dt.timedelta(days=30)])  # day 31: dormant
    _person(org, "never", [])
    people = counted_people(organisation_id=org.pk)
    assert frequency_buckets(people=people, today=TODAY) == {"daily": 1, "weekly": 2, "monthly": 2, "dormant": 2}


def test_internal_and_deactivated_people_are_left_out() -> None:
    org = factories.OrganisationFactory()
    kept = _person(org, "kept", [TODAY])
    internal = _person(org, "tester", [TODAY])
    gone = _person(org, "gone", [TODAY])
    ExcludedPerson.objects.create(user_id=internal, reason="test account")
    factories.UserFactory._meta.model.objects.filter(pk=gone).update(is_active=False)
    people = counted_people(organisation_id=org.pk)
    assert active_days_by_person(people=people, first_day=TODAY, last_day=TODAY) == {kept: 1}


def test_weekly_lifecycle_transitions_and_warning() -> None:
    org = factories.OrganisationFactory()
    last_week = MONDAY - dt.timedelta(days=7)
    long_ago = MONDAY - dt.timedelta(days=21)
    _person(org, "newbie", [MONDAY])  # first activity this week: new
    _person(org, "steady", [last_week, MONDAY])  # this and last week: returning
    _person(org, "back", [long_ago, MONDAY])  # active before, not last week: resurrecting
    _person(org, "slipped1", [last_week])  # last week, not this: dormant
    _person(org, "slipped2", [long_ago, last_week])  # dormant
    _person(org, "slipped3", [last_week])  # dormant
    _person(org, "gone_long", [long_ago])  # neither week: not counted
    result = weekly_lifecycle(people=counted_people(organisation_id=org.pk), monday=MONDAY)
    assert result == Lifecycle(new=1, returning=1, resurrecting=1, dormant=3)
    assert result.warning is True  # 3 > 1 + 1


def test_no_warning_when_dormant_equals_returning_plus_resurrecting() -> None:
    assert Lifecycle(new=0, returning=1, resurrecting=1, dormant=2).warning is False
