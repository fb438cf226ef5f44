"""Data protection: erasing a person keeps every figure; retention deletes old raw events only."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.ambassadors.models import Kudos
from apps.ambassadors.services import kudos_give
from apps.identities.models import ExternalIdentity
from apps.identities.services import external_identity_add
from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.quickwins.services import quickwin_results_refresh
from apps.roles.models import Membership, RoleKind
from apps.scoring.models import ScoreSnapshot
from apps.scoring.services import scores_refresh_users
from apps.trust.models import AuditEntry
from apps.trust.protection import person_erase, usage_events_delete_expired
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent
from apps.usage.partitions import MIN_RETENTION_DAYS, retention_days
from apps.usage.services import refresh_marks_drain, usage_event_record
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _figures() -> list[tuple[Any, ...]]:
    """Every stored score figure of everyone, in a stable order."""
    return list(ScoreSnapshot.objects.order_by("user_id", "period_start").values_list(
        "user_id", "period_start", "give_minutes", "get_minutes", "rolling_give_minutes", "rolling_get_minutes",
        "net_minutes", "nb_index", "score", "status"))


def _usage() -> list[tuple[Any, ...]]:
    return list(UsageEvent.objects.order_by("pk").values_list("user_id", "kind", "occurred_at", "duration_seconds"))


def _history(world: World) -> None:
    now = timezone.now()
    for i, user in enumerate((world.rita, world.ronja, world.rita)):
        usage_event_record(user_id=user.pk, kind=EventKind.CALL_LOGGED, occurred_at=now - dt.timedelta(days=3 + i),
                           source=EventSource.API, idempotency_key=f"h{i}", duration_seconds=120,
                           metadata={"record": "Opportunity for Rita Test", "search": "rita@example.com"})
    kudos_give(giver_id=world.rita.pk, receiver_id=world.ronja.pk, message="Thanks, from Rita", idempotency_key="k")
    kudos_give(giver_id=world.ronja.pk, receiver_id=world.rita.pk, message="Well done Rita", idempotency_key="k2")
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="salesforce",
                          external_id="005000000000001")
    refresh_marks_drain()


def test_erasing_a_person_anonymises_them_and_keeps_every_figure(world: World) -> None:
    world.rita.email = "rita@example.com"
    world.rita.save()
    _history(world)
    figures, usage = _figures(), _usage()
    assert figures  # there is something to keep
    ronjas_metadata = list(UsageEvent.objects.filter(user=world.ronja).order_by("pk").values_list("metadata", flat=True))

    result = person_erase(user_id=world.rita.pk, organisation_id=world.org.pk)

    world.rita.refresh_from_db()
    assert (world.rita.username, world.rita.email, world.rita.is_active) == (f"erased-{world.rita.pk}", "", False)
    assert "Rita" not in world.rita.get_full_name()
    assert not world.rita.has_usable_password()
    assert not ExternalIdentity.objects.filter(user=world.rita).exists()
    assert result.identities_removed == 1
    assert not UsageEvent.objects.filter(user=world.rita).exclude(metadata={}).exists()
    assert list(UsageEvent.objects.filter(user=world.ronja).order_by("pk").values_list(
        "metadata", flat=True)) == ronjas_metadata  # not hers: kept
    assert set(Kudos.objects.values_list("message", flat=True)) == {""}
    about_rita = AuditEntry.objects.filter(additional_data__user_id=world.rita.pk)
    assert about_rita.exists()
    assert not any("Rita" in e.object_repr or "005000000000001" in str(e.changes) for e in about_rita)
    # Every figure, hers and everyone else's, is what it was – stored and recomputed from the data.
    assert Membership.objects.filter(user=world.rita, organisation=world.org).exists()
    assert _figures() == figures
    assert _usage() == usage
    scores_refresh_users(user_ids=sorted({row[0] for row in figures}))
    assert _figures() == figures


def test_erasure_removes_the_name_from_the_people_pages_trail(world: World) -> None:
    from apps.people.services import team_membership_set

    team_membership_set(user_id=world.rita.pk, team_id=world.south.pk, is_manager=False, by_user_id=world.lene.pk)
    joined = AuditEntry.objects.filter(additional_data__user_id=world.rita.pk, content_type__model="teammember",
                                       object_repr__endswith="South").get()
    assert "rita" in joined.object_repr.lower()
    assert joined.changes["user"][1] == "rita"
    person_erase(user_id=world.rita.pk, organisation_id=world.org.pk)
    about = list(AuditEntry.objects.filter(additional_data__user_id=world.rita.pk))
    assert about
    assert not any("rita" in (e.object_repr + str(e.changes) + e.changes_text).lower() for e in about)
    joined.refresh_from_db()
    assert joined.changes["team"][1] == "South"  # what changed stays; who it was about does not


def test_an_erased_person_can_no_longer_log_in_and_their_session_ends(world: World) -> None:
    world.rita.set_password("pw-for-tests")
    world.rita.save()
    browser = Client()
    assert browser.login(username="rita", password="pw-for-tests")
    result = person_erase(user_id=world.rita.pk, organisation_id=world.org.pk)
    assert result.sessions_ended == 1
    assert browser.get("/me/").status_code == 302  # sent to log in
    assert not Client().login(username="rita", password="pw-for-tests")


def test_a_lead_cannot_erase_someone_of_another_organisation(world: World) -> None:
    stranger = factories.UserFactory(username="stranger")
    factories.MembershipFactory(user=stranger, role=factories.RoleFactory(kind=RoleKind.SALES_REP))
    with pytest.raises(ValidationError):
        person_erase(user_id=stranger.pk, organisation_id=world.org.pk)
    stranger.refresh_from_db()
    assert stranger.username == "stranger"


def test_the_command_erases_by_user_name(world: World) -> None:
    out = io.StringIO()
    call_command("person_erase", "ronja", "--yes", stdout=out)
    assert f"Erased person {world.ronja.pk}" in out.getvalue()
    world.ronja.refresh_from_db()
    assert world.ronja.username == f"erased-{world.ronja.pk}"


def test_retention_is_off_by_default_and_never_shorter_than_the_minimum(settings: Any) -> None:
    settings.USAGE_EVENT_RETENTION_DAYS = 0
    assert retention_days() == 0
    settings.USAGE_EVENT_RETENTION_DAYS = 30
    assert retention_days() == MIN_RETENTION_DAYS
    settings.USAGE_EVENT_RETENTION_DAYS = 800
    assert retention_days() == 800


def test_retention_deletes_old_raw_events_but_keeps_firsts_snapshots_and_quick_wins(world: World) -> None:
    now = timezone.now()
    go_live = (now - dt.timedelta(days=500)).date()
    Membership.objects.filter(user=world.rita).update(go_live_on=go_live)
    QuickWinMilestone.objects.create(role=world.roles[RoleKind.SALES_REP], name="First meeting",
                                     event_kind=EventKind.MEETING_LOGGED, due_days=30)

    def event(key: str, kind: str, days_ago: int) -> None:
        usage_event_record(user_id=world.rita.pk, kind=kind, occurred_at=now - dt.timedelta(days=days_ago),
                           source=EventSource.API, idempotency_key=key)

    event("before-live", EventKind.MEETING_LOGGED, 520)  # her first meeting ever (before go-live)
    event("first-live", EventKind.MEETING_LOGGED, 490)   # her first since go-live: achieves the quick win
    event("later-old", EventKind.MEETING_LOGGED, 480)    # old and neither: deleted
    event("old-call-1", EventKind.CALL_LOGGED, 470)      # first call: kept
    event("old-call-2", EventKind.CALL_LOGGED, 460)      # deleted
    event("recent", EventKind.MEETING_LOGGED, 10)        # within retention: kept
    quickwin_results_refresh()
    achieved = QuickWinResult.objects.get(user=world.rita)
    assert achieved.status == QuickWinStatus.ON_TIME
    refresh_marks_drain()
    figures = _figures()

    assert usage_events_delete_expired(days=0) == 0
    assert usage_events_delete_expired(now=now, days=400) == 2
    kept = set(UsageEvent.objects.filter(user=world.rita).values_list("idempotency_key", flat=True))
    assert kept == {"before-live", "first-live", "old-call-1", "recent"}
    assert _figures() == figures  # aggregates are kept
    quickwin_results_refresh()
    again = QuickWinResult.objects.get(user=world.rita)
    assert (again.status, again.achieved_at) == (QuickWinStatus.ON_TIME, achieved.achieved_at)


def test_the_retention_task_reads_the_setting(world: World, settings: Any) -> None:
    from apps.trust.tasks import delete_expired_usage_events

    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, source=EventSource.API,
                       occurred_at=timezone.now() - dt.timedelta(days=900), idempotency_key="a")
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, source=EventSource.API,
                       occurred_at=timezone.now() - dt.timedelta(days=800), idempotency_key="b")
    settings.USAGE_EVENT_RETENTION_DAYS = 0
    assert delete_expired_usage_events() == 0
    settings.USAGE_EVENT_RETENTION_DAYS = 500
    assert delete_expired_usage_events() == 1
    assert list(UsageEvent.objects.values_list("idempotency_key", flat=True)) == ["a"]


def test_the_charter_page_states_retention_and_erasure(world: World, settings: Any) -> None:
    settings.USAGE_EVENT_RETENTION_DAYS = 730
    page = world.client_for(world.rita).get(reverse("trust:charter")).content.decode()
    assert "Raw usage events are deleted after 730 days" in page
    assert "erase" in page.lower()
    settings.USAGE_EVENT_RETENTION_DAYS = 0
    page = world.client_for(world.rita).get(reverse("trust:charter")).content.decode()
    assert "Raw usage events are kept until your organisation sets a retention period" in page


def test_the_charter_states_retention_in_danish(world: World, settings: Any) -> None:
    settings.USAGE_EVENT_RETENTION_DAYS = 730
    settings.LANGUAGE_CODE = "da"
    page = world.client_for(world.rita).get(reverse("trust:charter"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Rå brugshændelser slettes efter 730 dage" in page
    assert "kan projektlederen slette dem" in page


def test_only_the_lead_may_open_the_erase_page(world: World) -> None:
    url = reverse("trust:erase")
    assert Client().get(url).status_code == 302
    for who in ("rita", "mads", "sam", "maja"):
        assert world.client_for(getattr(world, who)).get(url).status_code == 403, who
        assert world.client_for(getattr(world, who)).post(url, {"user": world.ronja.pk,
                                                                "confirm": "ronja"}).status_code == 403
    world.ronja.refresh_from_db()
    assert world.ronja.username == "ronja"


def test_the_lead_erases_a_person_from_the_page_after_typing_their_user_name(world: World) -> None:
    lead = world.client_for(world.lene)
    page = lead.get(reverse("trust:erase")).content.decode()
    assert "Ronja Test (ronja)" in page
    assert "Lene Test (lene)" not in page  # not herself
    wrong = lead.post(reverse("trust:erase"), {"user": world.ronja.pk, "confirm": "rita"})
    assert wrong.status_code == 400
    assert "Type the user name exactly as shown: ronja." in wrong.content.decode()
    world.ronja.refresh_from_db()
    assert world.ronja.username == "ronja"
    done = lead.post(reverse("trust:erase"), {"user": world.ronja.pk, "confirm": "ronja"}, follow=True)
    assert "The person is erased." in done.content.decode()
    world.ronja.refresh_from_db()
    assert world.ronja.username == f"erased-{world.ronja.pk}"
    assert "Ronja Test (ronja)" not in lead.get(reverse("trust:erase")).content.decode()


def test_a_person_of_another_organisation_cannot_be_chosen(world: World) -> None:
    stranger = factories.UserFactory(username="stranger")
    factories.MembershipFactory(user=stranger, role=factories.RoleFactory(kind=RoleKind.SALES_REP))
    response = world.client_for(world.lene).post(reverse("trust:erase"), {"user": stranger.pk, "confirm": "stranger"})
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.username == "stranger"
