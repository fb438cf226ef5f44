"""Building, sending and opening weekly digests."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from apps.activities.services import activity_log, deal_move_stage
from apps.core.errors import ApplicationError
from apps.core.periods import week_start
from apps.digests.models import Digest
from apps.digests.services import digest_build_and_send, digest_open
from apps.digests.tasks import send_weekly_digests
from apps.givegets.models import Delivery, DeliveryKind
from apps.scoring.selectors import current_snapshot
from apps.scoring.services import scores_compute
from apps.suggestions.models import Suggestion
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def last_monday() -> dt.date:
    return week_start(timezone.localdate()) - dt.timedelta(weeks=1)


@pytest.fixture
def rita_week(world: World) -> World:
    """Rita's last week: three activities, a deal that moved, a deal gone cold, an open next action."""
    factories.ContractFactory(role=world.roles["sales_rep"])  # promises reps a weekly digest worth 60 min
    monday = last_monday()
    acme = factories.AccountFactory(organisation=world.org, name="Acme")
    moving = factories.DealFactory(account=acme, owner=world.rita, name="Acme Pilot", stage=world.stages[0],
                                   last_activity_at=factories.aware(monday))
    cold_account = factories.AccountFactory(organisation=world.org, name="Borealis")
    factories.DealFactory(account=cold_account, owner=world.rita, name="Borealis Renewal", stage=world.stages[2],
                          last_activity_at=timezone.now() - dt.timedelta(days=20))
    for day, kind in ((0, "call"), (1, "call"), (2, "meeting")):
        activity_log(owner_id=world.rita.pk, type=kind, account=acme, deal=moving, summary=f"{kind} {day}",
                     occurred_at=factories.aware(monday + dt.timedelta(days=day)), entry_seconds=60)
    activity_log(owner_id=world.rita.pk, type="call", account=acme, summary="the week before",
                 occurred_at=factories.aware(monday - dt.timedelta(days=2)))
    deal_move_stage(deal=moving, to_stage=world.stages[1], actor_id=world.rita.pk,
                    at=factories.aware(monday + dt.timedelta(days=3)))
    Suggestion.objects.create(user=world.rita, rule="idle_deal", text="Ring Borealis", reason="Quiet for 20 days.",
                              created_at=timezone.now(), dedupe_key="rita:test")
    scores_compute(user_ids=[world.rita.pk], mondays=[monday])
    return world


def test_the_digest_holds_the_week(rita_week: World) -> None:
    digest = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())

    content = digest.content
    assert content["activities"]["total"] == 3
    assert content["activities"]["by_type"] == [{"type": "call", "count": 2}, {"type": "meeting", "count": 1}]
    assert [m["deal"] for m in content["deals_moved"]] == ["Acme Pilot"]
    assert (content["deals_moved"][0]["from_stage"], content["deals_moved"][0]["to_stage"]) == ("Lead", "Meeting")
    assert [c["deal"] for c in content["cold_deals"]] == ["Borealis Renewal"]
    assert content["cold_deals"][0]["days_quiet"] == 20
    assert content["next_actions"] == [{"text": "Ring Borealis", "reason": "Quiet for 20 days."}]
    snapshot = current_snapshot(user_id=rita_week.rita.pk, today=last_monday())
    assert snapshot is not None
    assert content["score"]["score"] == str(snapshot.score)
    assert digest.delivery is not None
    assert (digest.delivery.kind, digest.delivery.value_minutes) == (DeliveryKind.WEEKLY_DIGEST, Decimal("60.00"))
    assert digest.delivery.consumed_at is None


def test_sending_twice_in_a_week_sends_one_email_and_records_one_get(rita_week: World) -> None:
    first = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    second = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())

    assert first.pk == second.pk
    assert second.sent_at == first.sent_at
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1
    assert Delivery.objects.filter(kind=DeliveryKind.WEEKLY_DIGEST).count() == 1


def test_the_email_has_text_and_html_and_links_to_the_digest_in_the_app(rita_week: World, settings: Any) -> None:
    settings.SITE_URL = "https://crm.example.com"
    digest = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())

    [message] = mail.outbox
    assert message.to == ["rita@example.com"]
    assert message.subject.startswith("Your week in the CRM")
    link = f"https://crm.example.com/digests/{digest.pk}/"
    assert link in message.body
    assert "Acme Pilot (Acme): Lead -> Meeting" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Borealis Renewal" in html


def test_the_email_speaks_the_configured_language(rita_week: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "da"
    digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    [message] = mail.outbox
    assert message.subject.startswith("Din uge i CRM")
    assert "Salgsmuligheder der rykkede" in message.body


def test_a_failed_email_leaves_the_digest_unsent_so_a_retry_sends_it(
    rita_week: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    assert Digest.objects.get().sent_at is None

    monkeypatch.undo()
    digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    assert Digest.objects.get().sent_at is not None
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(kind=DeliveryKind.WEEKLY_DIGEST).count() == 1


def test_someone_without_an_address_still_gets_the_digest_in_the_app(rita_week: World) -> None:
    rita_week.rita.email = ""
    rita_week.rita.save(update_fields=["email"])
    digest = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    assert digest.sent_at is not None
    assert mail.outbox == []


def test_a_digest_week_starts_on_a_monday(world: World) -> None:
    with pytest.raises(ApplicationError):
        digest_build_and_send(user_id=world.rita.pk, week_start=last_monday() + dt.timedelta(days=1))


def test_opening_consumes_the_get_once_and_raises_the_get_minutes(
    rita_week: World, django_capture_on_commit_callbacks: Any
) -> None:
    digest = digest_build_and_send(user_id=rita_week.rita.pk, week_start=last_monday())
    scores_compute(user_ids=[rita_week.rita.pk], mondays=[week_start(timezone.localdate())])
    before = current_snapshot(user_id=rita_week.rita.pk)
    assert before is not None

    with django_capture_on_commit_callbacks(execute=True):
        opened = digest_open(digest=digest)
    first_open = opened.opened_at
    with django_capture_on_commit_callbacks(execute=True):
        digest_open(digest=digest)

    digest.refresh_from_db()
    assert digest.opened_at == first_open
    assert digest.delivery is not None
    assert digest.delivery.consumed_at == first_open
    assert UsageEvent.objects.filter(user=rita_week.rita, kind=EventKind.DIGEST_OPENED).count() == 1
    after = current_snapshot(user_id=rita_week.rita.pk)
    assert after is not None
    assert after.rolling_get_minutes == before.rolling_get_minutes + 60


def test_the_monday_job_sends_to_everyone_promised_a_digest_once(rita_week: World) -> None:
    assert send_weekly_digests.delay().get() == 2  # rita and ronja are reps; nobody else has the promise
    send_weekly_digests.delay().get()

    assert sorted(m.to[0] for m in mail.outbox) == ["rita@example.com", "ronja@example.com"]
    assert set(Digest.objects.values_list("week_start", flat=True)) == {last_monday()}


def test_nobody_gets_a_digest_their_role_was_not_promised(world: World) -> None:
    factories.ContractFactory(role=world.roles["sales_rep"], is_active=False)
    assert send_weekly_digests.delay().get() == 0
    assert mail.outbox == []
