"""Correcting or withdrawing one's own activity within 24 hours; the usage log only grows."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.activities import corrections
from apps.activities.models import Activity, ActivityType
from apps.activities.services import activity_log
from apps.core.periods import week_start
from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.quickwins.services import quickwin_results_refresh
from apps.roles.models import Membership, RoleKind
from apps.scoring.models import ScoreSnapshot
from apps.scoring.services import scores_refresh_users
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _logged(world: World, *, type: str = ActivityType.CALL, seconds: int = 120) -> Activity:
    account = factories.AccountFactory(organisation=world.org)
    activity, _created = activity_log(owner_id=world.rita.pk, type=type, account=account, summary="Called",
                                      entry_seconds=seconds)
    return activity


def _week_give(world: World) -> Decimal:
    scores_refresh_users(user_ids=[world.rita.pk])
    return ScoreSnapshot.objects.get(user=world.rita, period_start=week_start(timezone.localdate())).give_minutes


def test_a_correction_of_the_type_is_a_new_event_the_score_counts_instead(world: World) -> None:
    activity = _logged(world, type=ActivityType.CALL, seconds=120)
    original = activity.usage_event
    assert _week_give(world) == Decimal("2.00")  # 120 s measured

    corrected = corrections.activity_correct(activity=activity, actor_id=world.rita.pk, type=ActivityType.MEETING,
                                             summary="Met them after all")

    kinds = sorted(UsageEvent.objects.filter(user=world.rita).values_list("kind", flat=True))
    assert kinds == sorted([EventKind.CALL_LOGGED, EventKind.ENTRY_WITHDRAWN, EventKind.MEETING_LOGGED])
    assert UsageEvent.objects.get(pk=original.pk).kind == EventKind.CALL_LOGGED  # the original is untouched
    assert corrected.usage_event.kind == EventKind.MEETING_LOGGED
    assert corrected.usage_event.duration_seconds == 120
    snapshot_give = _week_give(world)
    assert snapshot_give == Decimal("2.00")  # counted once, as the meeting
    components = ScoreSnapshot.objects.get(user=world.rita, period_start=week_start(timezone.localdate())).components
    assert [line["kind"] for line in components["give"]] == [EventKind.MEETING_LOGGED]


def test_a_withdrawal_removes_the_activity_and_its_minutes_but_keeps_the_log(world: World) -> None:
    keep = _logged(world, seconds=60)
    gone = _logged(world, seconds=240)
    assert _week_give(world) == Decimal("5.00")  # (60 + 240) / 60

    corrections.activity_withdraw(activity=gone, actor_id=world.rita.pk)

    assert list(Activity.objects.filter(owner=world.rita)) == [keep]
    assert UsageEvent.objects.filter(user=world.rita).count() == 3  # two entries and one withdrawal
    assert _week_give(world) == Decimal("1.00")


def test_only_the_author_within_24_hours_may_change_it(world: World) -> None:
    activity = _logged(world)
    with pytest.raises(PermissionDenied):
        corrections.activity_withdraw(activity=activity, actor_id=world.ronja.pk)
    later = activity.created_at + dt.timedelta(hours=24, seconds=1)
    with pytest.raises(ValidationError):
        corrections.activity_correct(activity=activity, actor_id=world.rita.pk, type=ActivityType.NOTE,
                                     summary="x", now=later)
    assert Activity.objects.filter(pk=activity.pk, type=ActivityType.CALL).exists()


def test_a_withdrawn_first_meeting_no_longer_achieves_the_quick_win(world: World) -> None:
    today = timezone.localdate()
    Membership.objects.filter(user=world.rita).update(go_live_on=today)
    milestone = QuickWinMilestone.objects.create(role=world.roles[RoleKind.SALES_REP], name="First meeting",
                                                 event_kind=EventKind.MEETING_LOGGED, due_days=7)
    activity = _logged(world, type=ActivityType.MEETING)
    quickwin_results_refresh(user_ids=[world.rita.pk])
    assert QuickWinResult.objects.get(milestone=milestone, user=world.rita).status == QuickWinStatus.ON_TIME
    corrections.activity_withdraw(activity=activity, actor_id=world.rita.pk)
    quickwin_results_refresh(user_ids=[world.rita.pk])
    assert QuickWinResult.objects.get(milestone=milestone, user=world.rita).status == QuickWinStatus.PENDING


def test_the_pages_let_the_author_correct_and_withdraw(world: World) -> None:
    activity = _logged(world)
    client = world.client_for(world.rita)
    assert "Correct or withdraw" in client.get("/activities/mine/").content.decode()
    response = client.post(f"/activities/{activity.pk}/correct/",
                           {"action": "correct", "type": ActivityType.EMAIL, "summary": "Mailed instead"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.type, activity.summary) == (ActivityType.EMAIL, "Mailed instead")
    client.post(f"/activities/{activity.pk}/correct/", {"action": "withdraw"})
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_someone_elses_activity_is_not_found(world: World, client: Any) -> None:
    activity = _logged(world)
    other = world.client_for(world.ronja)
    assert other.get(f"/activities/{activity.pk}/correct/").status_code == 404
    assert other.post(f"/activities/{activity.pk}/correct/", {"action": "withdraw"}).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()
