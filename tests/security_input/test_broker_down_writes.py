"""A broker outage never fails a write: every write endpoint answers success, the work catches up.

The broker is refused for *every* task (class-level `Task.apply_async`, as a dead Redis refuses
every publish), so a write that still enqueued directly would answer 500 here.
"""

import datetime as dt
from typing import Any

import pytest
from celery.app.task import Task
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.activities.models import Activity
from apps.ambassadors.models import Kudos
from apps.givegets.models import ContractStatus, DeliveryKind, GiveGetContract
from apps.imports import services as import_services
from apps.imports.models import ImportJob, ImportStatus
from apps.integrations.services import integration_key_create
from apps.quickwins.models import QuickWinMilestone, QuickWinResult
from apps.roles.models import Membership, RoleKind
from apps.rollout.models import PhaseStatus, RolloutPhase
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from apps.usage.models import RefreshMark, UsageEvent
from apps.usage.services import refresh_marks_drain
from tests import factories
from tests.conftest import World
from tests.imports.factories import csv_upload, previewed_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every task publish as a dead Redis does; return the names of the tasks refused."""
    refused: list[str] = []

    def refuse(self: Task, *args: Any, **kwargs: Any) -> None:
        refused.append(self.name)
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return refused


def test_the_event_apis_and_activity_writes_answer_success_and_the_marks_wait(
    world: World, broker_down: list[str], monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any, caplog: Any,
) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Aarhus Maskinfabrik")
    secret = integration_key_create(organisation_id=world.org.pk, name="Salesforce", scopes=["events:write"])[1]
    rita, ronja = world.client_for(world.rita), world.client_for(world.ronja)
    now = timezone.now().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        own = rita.post("/api/events/", {"kind": EventKind.CALL_LOGGED, "idempotency_key": "e1", "occurred_at": now},
                        content_type="application/json")
        batch = rita.post("/api/v1/events/", {"events": [
            {"person": world.sam.pk, "kind": "login", "occurred_at": now, "idempotency_key": "b1"}]},
            content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {secret}")
        activity = ronja.post("/api/activities/", {"type": "call", "account_id": account.pk, "summary": "Called",
                                                   "idempotency_key": "a1"}, content_type="application/json")
    assert (own.status_code, batch.status_code, activity.status_code) == (201, 200, 201)
    assert batch.json()["accepted"] == 1
    assert set(broker_down) == {"apps.usage.tasks.drain_refresh_marks"}
    assert "Could not enqueue apps.usage.tasks.drain_refresh_marks" in caplog.text
    assert set(RefreshMark.objects.values_list("user_id", flat=True)) == {world.rita.pk, world.ronja.pk, world.sam.pk}

    monkeypatch.undo()  # the broker is back: the every-minute drain catches up
    assert refresh_marks_drain() == 3
    for user in (world.rita, world.ronja, world.sam):
        assert ScoreSnapshot.objects.filter(user=user).exists()
    assert Activity.objects.filter(owner=world.ronja).count() == 1


def test_reading_kudos_consumes_them_and_marks_the_reader_instead_of_enqueuing(
    world: World, broker_down: list[str], monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    giver = world.client_for(world.rita)
    form = giver.get(reverse("ambassadors:kudos_give")).context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        given = giver.post(reverse("ambassadors:kudos_give"), {
            "receiver": world.ronja.pk, "message": "Thanks for the intro", "form_token": form["form_token"].value()})
    assert given.status_code == 302
    RefreshMark.objects.all().delete()
    reader = world.client_for(world.ronja)
    with django_capture_on_commit_callbacks(execute=True):
        page = reader.get(reverse("ambassadors:my_kudos"))
    assert page.status_code == 200
    delivery = Kudos.objects.get().delivery
    assert delivery is not None
    delivery.refresh_from_db()
    assert delivery.consumed_at is not None
    mark = RefreshMark.objects.get(user=world.ronja)
    assert mark.since <= delivery.consumed_at  # scoring recomputes from (at least) the week it was consumed

    monkeypatch.undo()
    refresh_marks_drain()
    snapshot = ScoreSnapshot.objects.filter(user=world.ronja).order_by("-period_start").first()
    assert snapshot is not None
    assert snapshot.get_minutes > 0


def test_a_new_contract_saves_while_the_broker_is_down_and_the_daily_run_classifies_it(
    world: World, broker_down: list[str], monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any, caplog: Any,
) -> None:
    from apps.givegets.tasks import classify_contracts

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.lene).post(reverse("givegets:contract_create"), {
            "role": world.roles[RoleKind.SALES_REP].pk, "give_kind": EventKind.MEETING_LOGGED,
            "give_expected_minutes": "5", "get_kind": DeliveryKind.WEEKLY_DIGEST, "get_minutes_saved": "60",
            "cadence": "weekly", "wiifm": "A weekly report"})
    assert response.status_code == 302
    contract = GiveGetContract.objects.get()
    assert "apps.givegets.tasks.classify_contracts" in broker_down
    assert "the daily classify-contracts run catches it up" in caplog.text
    assert not ContractStatus.objects.filter(contract=contract).exists()

    monkeypatch.undo()
    classify_contracts()  # what the daily beat entry runs
    assert ContractStatus.objects.filter(contract=contract, user=world.rita).exists()


def test_milestones_and_newcomers_save_while_the_broker_is_down_and_the_hourly_run_catches_up(
    world: World, broker_down: list[str], monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from apps.quickwins.tasks import refresh_quickwin_results

    today = timezone.localdate()
    phase = RolloutPhase.objects.create(organisation=world.org, name="Phase 1", order=1,
                                        planned_start=today - dt.timedelta(days=40),
                                        go_live_on=today - dt.timedelta(days=30), status=PhaseStatus.LIVE)
    phase.teams.add(world.north)
    Membership.objects.filter(user=world.rita).update(go_live_on=phase.go_live_on)
    lead = world.client_for(world.lene)
    with django_capture_on_commit_callbacks(execute=True):
        milestone = lead.post(reverse("quickwins:milestone_create"), {
            "role": world.roles[RoleKind.SALES_REP].pk, "name": "First meeting", "event_kind": EventKind.MEETING_LOGGED,
            "due_days": "7"})
        newcomer = lead.post("/organisation/people/", {
            "full_name": "Nina Nielsen", "email": "nina@example.com", "role": world.roles[RoleKind.SALES_REP].pk,
            "team": world.north.pk, "new_team": "", "is_manager": ""})
    assert (milestone.status_code, newcomer.status_code) == (302, 302)
    assert set(broker_down) >= {"apps.quickwins.tasks.refresh_quickwins_for_milestones",
                                "apps.quickwins.tasks.refresh_quickwins_for_users"}
    assert QuickWinMilestone.objects.count() == 1
    nina = Membership.objects.get(user__username="nina@example.com")
    assert nina.go_live_on == today
    assert not QuickWinResult.objects.exists()

    monkeypatch.undo()
    refresh_quickwin_results()  # the hourly beat entry
    assert set(QuickWinResult.objects.values_list("user_id", flat=True)) == {world.rita.pk, nina.user_id}


def test_starting_an_import_answers_success_and_the_stalled_job_resume_finishes_it(
    world: World, broker_down: list[str], monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [["Dato", "Type", "Kunde", "Note"], ["20-10-2023", "Møde", "Acme", "Demo"]]
    job = previewed_job(world.rita, csv_upload(rows))
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.rita).post(reverse("imports:run", kwargs={"job_id": job.pk}))
    assert response["Location"] == reverse("imports:progress", kwargs={"job_id": job.pk})
    assert "apps.imports.tasks.run_import" in broker_down
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING

    monkeypatch.undo()
    later = timezone.now() + import_services.STALLED_AFTER + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_services.import_jobs_resume_stalled(now=later) == [job.pk]
    finished = ImportJob.objects.get(pk=job.pk)
    assert (finished.status, finished.imported_rows) == (ImportStatus.DONE, 1)
    assert UsageEvent.objects.filter(user=world.rita).exists()


def test_changing_a_roles_values_saves_while_the_broker_is_down(
    world: World, broker_down: list[str], django_capture_on_commit_callbacks: Any, caplog: Any,
) -> None:
    role = world.roles[RoleKind.SALES_REP]
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.lene).post(f"/organisation/roles/{role.pk}/", {
            "name": role.name, "kind": RoleKind.SALES_REP, "entry_cap_seconds": 300, "pulse_weight": "0.2",
            "suggestion_accepted_minutes": "9", "recognition_minutes": "2", "wiifm": "Your week, planned for you."})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.suggestion_accepted_minutes == 9
    assert "apps.scoring.tasks.recompute_user_scores" in broker_down
    assert "Could not enqueue apps.scoring.tasks.recompute_user_scores" in caplog.text
