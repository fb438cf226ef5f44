"""Factories for quick-win milestones, results and nudges."""

import datetime as dt

import factory
from django.utils import timezone

from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.usage.kinds import EventKind
from tests.factories import RoleFactory, UserFactory


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuickWinMilestone

    role = factory.SubFactory(RoleFactory)
    name = "Log your first meeting"
    event_kind = EventKind.MEETING_LOGGED
    due_days = 7


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuickWinResult

    milestone = factory.SubFactory(MilestoneFactory)
    user = factory.SubFactory(UserFactory)
    go_live_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    due_on = factory.LazyAttribute(lambda o: o.go_live_on + dt.timedelta(days=7))
    status = QuickWinStatus.PENDING
