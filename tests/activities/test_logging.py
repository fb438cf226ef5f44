"""Logging an activity: one transaction, measured entry time, idempotent, suggestion at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.activities.forms import entry_seconds_from, sign_shown_at
from apps.activities.models import Activity, DealStageChange
from apps.activities.services import activity_log, deal_move_stage
from apps.givegets.models import Delivery
from apps.scoring.models import ScoreSnapshot
from apps.suggestions.models import Suggestion, SuggestionStatus
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(world: World):
    account = factories.AccountFactory(organisation=world.org, name="Aarhus Maskinfabrik")
    return factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1], name="Pilot")


def test_logging_writes_the_activity_and_its_event_together(world: World, deal) -> None:
    activity, created = activity_log(owner_id=world.rita.pk, type="meeting", account=deal.account, deal=deal,
                                     summary=" Demo went well ", entry_seconds=45, idempotency_key="k1")

    assert created
    assert activity.summary == "Demo went well"
    event = activity.usage_event
    assert (event.kind, event.duration_seconds, event.user_id) == (EventKind.MEETING_LOGGED, 45, world.rita.pk)
    deal.refresh_from_db()
    assert deal.last_activity_at == activity.occurred_at


def test_a_double_submitted_form_logs_once(world: World, deal) -> None:
    first, _ = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, summary="x", idempotency_key="same")
    second, created = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, summary="x",
                                   idempotency_key="same")
    assert not created
    assert first.pk == second.pk
    assert Activity.objects.count() == UsageEvent.objects.count() == 1


def test_a_deal_of_another_account_is_refused_and_nothing_is_saved(world: World, deal) -> None:
    other = factories.AccountFactory(organisation=world.org)
    with pytest.raises(ValidationError):
        activity_log(owner_id=world.rita.pk, type="call", account=other, deal=deal, summary="x")
    assert not Activity.objects.exists()
    assert not UsageEvent.objects.exists()


def test_entry_time_is_measured_from_a_signed_timestamp() -> None:
    shown = timezone.now() - dt.timedelta(seconds=37)
    assert entry_seconds_from(sign_shown_at(shown), timezone.now()) == 37
    assert entry_seconds_from("forged-value", timezone.now()) is None


def test_moving_a_deal_records_time_in_the_previous_stage(world: World, deal) -> None:
    deal.stage_entered_at = timezone.now() - dt.timedelta(days=3)
    deal.save()
    deal_move_stage(deal=deal, to_stage=world.stages[2], actor_id=world.rita.pk)
    change = DealStageChange.objects.get()
    assert abs(change.seconds_in_from_stage - 3 * 86400) < 5
    deal_move_stage(deal=deal, to_stage=world.stages[3], actor_id=world.rita.pk)
    deal.refresh_from_db()
    assert deal.closed_on == timezone.localdate()


def test_the_log_page_saves_with_one_typed_line_and_shows_the_next_step(
    world: World, deal, django_capture_on_commit_callbacks
) -> None:
    client = world.client_for(world.rita)
    page = client.get(reverse("activities:log") + f"?deal={deal.pk}")
    form = page.context["form"]
    assert page.context["target_value"] == f"deal:{deal.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:log"), {
            "type": "meeting", "target": f"deal:{deal.pk}", "summary": "They want a proposal",
            "form_token": form["form_token"].value(), "shown_at": form["shown_at"].value(),
        }, follow=True)

    assert response.status_code == 200
    activity = Activity.objects.get()
    assert activity.entry_seconds is not None
    suggestion = Suggestion.objects.get(user=world.rita)
    assert suggestion.text.startswith("Send a proposal")
    assert "Send a proposal" in response.content.decode()
    assert Delivery.objects.filter(user=world.rita, consumed_at__isnull=True).count() == 1
    assert ScoreSnapshot.objects.filter(user=world.rita).exists()


def test_an_accepted_suggestion_is_a_get_only_once_acted_on(
    world: World, deal, django_capture_on_commit_callbacks
) -> None:
    client = world.client_for(world.rita)
    activity, _ = activity_log(owner_id=world.rita.pk, type="meeting", account=deal.account, deal=deal, summary="x")
    from apps.suggestions.services import suggestions_after_activity

    [suggestion] = suggestions_after_activity(activity=activity)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("suggestions:decide", args=[suggestion.pk]), {"decision": "accept", "next": "/me/"})

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is None
    snapshot = ScoreSnapshot.objects.get(user=world.rita)
    assert snapshot.get_minutes == 0
    assert snapshot.components["accepted_pending"] == 1

    form = client.get(reverse("activities:log") + f"?deal={deal.pk}").context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:log"), {
            "type": "call", "target": f"deal:{deal.pk}", "summary": "Sent the proposal",
            "form_token": form["form_token"].value(), "shown_at": form["shown_at"].value(),
        })
    snapshot = ScoreSnapshot.objects.get(user=world.rita)
    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is not None
    assert snapshot.get_minutes == world.roles["sales_rep"].suggestion_accepted_minutes
    assert snapshot.components["accepted_pending"] == 0


def test_another_persons_suggestion_cannot_be_decided(world: World, deal) -> None:
    activity, _ = activity_log(owner_id=world.rita.pk, type="meeting", account=deal.account, deal=deal, summary="x")
    from apps.suggestions.services import suggestions_after_activity

    [suggestion] = suggestions_after_activity(activity=activity)
    response = world.client_for(world.ronja).post(reverse("suggestions:decide", args=[suggestion.pk]),
                                                  {"decision": "accept"})
    assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_bad_input_keeps_what_was_typed(world: World, deal) -> None:
    client = world.client_for(world.rita)
    form = client.get(reverse("activities:log")).context["form"]
    response = client.post(reverse("activities:log"), {
        "type": "call", "target": "", "summary": "Keep this text",
        "form_token": form["form_token"].value(), "shown_at": form["shown_at"].value(),
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "Keep this text" in body
    assert "Pick a deal or an account." in body
    assert not Activity.objects.exists()


def test_someone_elses_deal_cannot_be_targeted(world: World, deal) -> None:
    client = world.client_for(world.ronja)
    form = client.get(reverse("activities:log")).context["form"]
    response = client.post(reverse("activities:log"), {
        "type": "call", "target": f"deal:{deal.pk}", "summary": "x",
        "form_token": form["form_token"].value(), "shown_at": form["shown_at"].value(),
    })
    assert "not one of your open deals" in response.content.decode()
    assert not Activity.objects.exists()


def test_starting_from_an_account_page_prefills_the_account(world: World, deal) -> None:
    client = world.client_for(world.rita)
    timeline = client.get(f"/service/accounts/{deal.account.pk}/").content.decode()
    assert f"/activities/log/?account={deal.account.pk}" in timeline

    page = client.get(f"/activities/log/?account={deal.account.pk}")
    assert page.context["target_value"] == f"account:{deal.account.pk}"
    assert page.context["target_label"] == "Aarhus Maskinfabrik"
