"""The import service: dry run, chunked import, idempotency, bad rows, deals and owners."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.activities.models import Account, Activity, Deal, DealStageChange
from apps.imports import services
from apps.imports.models import ImportRowError, ImportStatus
from apps.imports.rows import deal_identity
from apps.imports.tasks import run_import
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World
from tests.imports.factories import csv_upload, imported_job, previewed_job, xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = ["Dato", "Type", "Kunde", "Resumé"]
GOOD_ROWS = [
    ["20-10-2023", "Møde", "Fyns Fødevarer", "Demo af løsningen"],
    ["21-10-2023", "Opkald", "Fyns Fødevarer", "Aftalte tilbud"],
    ["21. oktober 2023", "mail", "Skive Staal", "Sendte prisliste"],
]
BAD_ROW = ["32-10-2023", "Møde", "Skive Staal", "Forkert dato"]


def test_activities_are_imported_as_gives_with_estimated_minutes(world: World, django_capture_on_commit_callbacks: Any) -> None:
    job = imported_job(world.rita, csv_upload([HEADER, *GOOD_ROWS]), django_capture_on_commit_callbacks)
    assert (job.status, job.imported_rows, job.error_rows, job.processed_rows) == (ImportStatus.DONE, 3, 0, 3)
    activities = Activity.objects.filter(owner=world.rita).order_by("occurred_at")
    assert [a.type for a in activities] == ["meeting", "call", "email"]
    assert all(a.usage_event is not None for a in activities)
    events = UsageEvent.objects.filter(user=world.rita, source=EventSource.IMPORT)
    assert sorted(events.values_list("kind", flat=True)) == sorted(
        [EventKind.MEETING_LOGGED, EventKind.CALL_LOGGED, EventKind.EMAIL_LOGGED])
    # No measured entry time: scoring counts the contract's expected minutes for the kind.
    assert set(events.values_list("duration_seconds", flat=True)) == {None}
    assert Account.objects.filter(organisation=world.org, name__in=["Fyns Fødevarer", "Skive Staal"]).count() == 2


def test_reimporting_the_same_file_adds_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rows = [HEADER, *GOOD_ROWS, GOOD_ROWS[0]]  # the same meeting twice on one day is two meetings
    first = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks)
    assert first.imported_rows == 4
    counts = (Activity.objects.count(), UsageEvent.objects.count(), Account.objects.count())
    again = previewed_job(world.rita, csv_upload(rows))
    assert (again.preview["would_import"], again.preview["duplicates"]) == (0, 4)
    second = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks)
    assert (second.imported_rows, second.skipped_duplicates) == (0, 4)
    assert (Activity.objects.count(), UsageEvent.objects.count(), Account.objects.count()) == counts
    longer = imported_job(world.rita, csv_upload([*rows, ["22-10-2023", "note", "Skive Staal", "Ny"]], name="v2.csv"),
                          django_capture_on_commit_callbacks)
    assert (longer.imported_rows, longer.skipped_duplicates) == (1, 4)


def test_a_bad_row_does_not_lose_good_rows_across_chunks(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    job = imported_job(world.rita, csv_upload([HEADER, GOOD_ROWS[0], BAD_ROW, *GOOD_ROWS[1:]]),
                       django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.error_rows, job.processed_rows, job.total_rows) == (3, 1, 4, 4)
    error = ImportRowError.objects.get(job=job)
    assert error.row_number == 3
    assert error.raw == BAD_ROW
    assert "32-10-2023" in error.messages[0]


def test_preview_counts_the_whole_file_and_writes_nothing(world: World) -> None:
    job = previewed_job(world.rita, csv_upload([HEADER, *GOOD_ROWS, BAD_ROW]), unknown_accounts="reject")
    preview = job.preview
    assert (preview["total_rows"], preview["would_import"], preview["problem_rows"]) == (4, 0, 4)
    assert "Unknown account" in preview["problems"][0]["messages"][0]
    assert Activity.objects.count() == UsageEvent.objects.count() == Account.objects.count() == 0
    created = previewed_job(world.rita, csv_upload([HEADER, *GOOD_ROWS, BAD_ROW]))
    assert (created.preview["would_import"], created.preview["problem_rows"]) == (3, 1)
    assert created.preview["new_accounts"] == ["Fyns Fødevarer", "Skive Staal"]
    assert [r["status"] for r in created.preview["sample"]] == ["ok", "ok", "ok", "problem"]


def test_unknown_accounts_are_rejected_when_asked(world: World, django_capture_on_commit_callbacks: Any) -> None:
    factories.AccountFactory(organisation=world.org, name="Fyns Fødevarer")
    job = imported_job(world.rita, csv_upload([HEADER, *GOOD_ROWS]), django_capture_on_commit_callbacks,
                       unknown_accounts="reject")
    assert (job.imported_rows, job.error_rows) == (2, 1)
    assert not Account.objects.filter(name="Skive Staal").exists()


def test_us_dates_follow_the_files_dominant_pattern(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rows = [["Date", "Type", "Account"], ["10/20/2023", "call", "Acme"], ["03/04/2023", "call", "Acme"]]
    job = imported_job(world.rita, csv_upload(rows, delimiter=","), django_capture_on_commit_callbacks)
    assert job.preview["date_order"] == {"day_first": False, "day_first_evidence": 0, "month_first_evidence": 1,
                                         "ambiguous": 1}
    days = sorted(a.occurred_at.date() for a in Activity.objects.filter(owner=world.rita))
    assert days == [dt.date(2023, 3, 4), dt.date(2023, 10, 20)]


def test_xlsx_files_import_with_their_date_cells(world: World, django_capture_on_commit_callbacks: Any) -> None:
    upload = xlsx_upload([["Mine kunder"], ["Dato", "Type", "Firma"],
                          [dt.datetime(2023, 10, 20, 9, 30), "møde", "Acme"], [45220, "opkald", "Acme"]])
    job = imported_job(world.rita, upload, django_capture_on_commit_callbacks)
    assert (job.header_row, job.imported_rows, job.error_rows) == (2, 2, 0)
    moments = sorted(a.occurred_at for a in Activity.objects.filter(owner=world.rita))
    assert moments[0].date() == dt.date(2023, 10, 20)
    assert moments[1].date() == dt.date(2023, 10, 21)


DEAL_HEADER = ["Aftale", "Kunde", "Fase", "Startdato", "Lukket", "Beløb"]


def test_deals_import_without_inventing_stage_history(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rows = [
        DEAL_HEADER,
        ["Pilot", "Acme", "Proposal", "2024-01-01", "", "25.000"],
        ["Platform", "Acme", "won", "2024-01-01", "2024-01-31", "1.234,50"],
        ["Ghost", "Acme", "Dreaming", "2024-01-01", "", ""],
        ["Cold call", "", "Lead", "", "", ""],  # an open deal with no account and no dates
    ]
    job = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks, kind="deals")
    assert (job.imported_rows, job.error_rows) == (3, 1)
    pilot = Deal.objects.get(name="Pilot")
    assert (pilot.stage.name, pilot.amount, pilot.engaged_on, pilot.closed_on) == (
        "Proposal", 25000, dt.date(2024, 1, 1), None)
    assert pilot.stage_entered_at is None  # the file does not say when it reached Proposal
    won = Deal.objects.get(name="Platform")
    assert (won.stage.name, won.closed_on, str(won.amount)) == ("Won", dt.date(2024, 1, 31), "1234.50")
    assert won.stage_entered_at is not None
    assert won.stage_entered_at.date() == dt.date(2024, 1, 31)
    cold = Deal.objects.get(name="Cold call")
    assert (cold.account, cold.engaged_on, cold.stage_entered_at) == (None, None, None)
    # A single export states no move between stages: none is recorded.
    assert DealStageChange.objects.count() == 0
    # Creating a deal is a give on the day it was engaged; the undated deal has no day.
    created = UsageEvent.objects.filter(kind=EventKind.DEAL_CREATED, source=EventSource.IMPORT)
    assert sorted(e.metadata["name"] for e in created) == ["Pilot", "Platform"]
    assert "Dreaming" in ImportRowError.objects.get(job=job).messages[0]
    again = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks, kind="deals")
    assert (again.imported_rows, again.updated_rows, again.skipped_duplicates) == (0, 0, 3)
    assert Deal.objects.count() == 3


def test_a_re_exported_deal_that_moved_on_updates_it_through_one_stage_move(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    lost = factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    header = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
              "close_value"]
    first = [header,
             ["A1", "Rita Test", "GTX Pro", "Acme", "Meeting", "2024-01-01", "", ""],
             ["A2", "Rita Test", "MG Special", "", "Lead", "", "", ""],
             ["A3", "Rita Test", "GTX Pro", "Acme", "Proposal", "2024-01-03", "", ""],
             ["A4", "Ronja Test", "GTX Pro", "Acme", "Proposal", "2024-01-03", "", ""]]
    job = imported_job(world.lene, csv_upload(first, delimiter=","), django_capture_on_commit_callbacks, kind="deals")
    assert job.mapping == {"external_id": 0, "owner": 1, "product": 2, "account": 3, "stage": 4, "engaged_on": 5,
                           "closed_on": 6, "amount": 7}
    assert (job.imported_rows, job.error_rows) == (4, 0)
    a2 = Deal.objects.get(import_source__key__isnull=False, product="MG Special")
    assert (a2.name, a2.account) == ("MG Special", None)
    second = [header,
              ["A1", "Rita Test", "GTX Pro", "Acme", "Won", "2024-01-01", "2024-02-10", "5.000"],
              ["A2", "Rita Test", "MG Special", "Acme", "Meeting", "2024-02-01", "", ""],
              ["A3", "Rita Test", "GTX Pro", "Acme", "Proposal", "2024-01-03", "", ""],
              ["A4", "Ronja Test", "GTX Pro", "Acme", "Lost", "2024-01-03", "2024-02-20", "0"]]
    preview = previewed_job(world.lene, csv_upload(second, delimiter=","), kind="deals")
    assert (preview.preview["would_import"], preview.preview["would_update"], preview.preview["duplicates"]) == (
        0, 3, 1)
    assert {f["field"]: f["rows"] for f in preview.preview["updated_fields"]} == {
        "name": 1, "account": 1, "stage_id": 3, "engaged_on": 1, "closed_on": 2, "amount": 1}
    assert Deal.objects.filter(stage=lost).count() == 0  # the preview wrote nothing
    updated = imported_job(world.lene, csv_upload(second, delimiter=","), django_capture_on_commit_callbacks,
                           kind="deals")
    assert (updated.imported_rows, updated.updated_rows, updated.skipped_duplicates) == (0, 3, 1)
    assert Deal.objects.count() == 4
    a1 = Deal.objects.get(import_source__key=deal_identity({"external_id": "A1"}))
    assert (a1.stage.name, a1.closed_on, a1.amount) == ("Won", dt.date(2024, 2, 10), 5000)
    changes = DealStageChange.objects.order_by("deal__name", "to_stage__order")
    moves = {(c.deal.product, c.deal.owner.username, c.from_stage.name, c.to_stage.name): c for c in changes}
    assert set(moves) == {("GTX Pro", "rita", "Meeting", "Won"), ("MG Special", "rita", "Lead", "Meeting"),
                          ("GTX Pro", "ronja", "Proposal", "Lost")}
    # Nobody knows how long A1 was in Meeting: the import never said when it got there.
    assert all(c.seconds_in_from_stage is None for c in changes)
    won_move = moves[("GTX Pro", "rita", "Meeting", "Won")]
    assert won_move.changed_at.date() == dt.date(2024, 2, 10)  # the close date the file states
    a2.refresh_from_db()
    assert a2.stage_entered_at is None  # moved to Meeting at a moment the file does not state
    # Each move is the owner's give, recorded once, by the one stage-move service.
    events = UsageEvent.objects.filter(kind=EventKind.DEAL_STAGE_CHANGED, source=EventSource.IMPORT)
    assert sorted(e.user.username for e in events) == ["rita", "rita", "ronja"]
    assert {e.idempotency_key for e in events} == {f"stagechange:{c.pk}" for c in changes}
    third = imported_job(world.lene, csv_upload(second, delimiter=","), django_capture_on_commit_callbacks,
                         kind="deals")
    assert (third.imported_rows, third.updated_rows, third.skipped_duplicates) == (0, 0, 4)
    assert DealStageChange.objects.count() == 3


def test_unknown_accounts_of_deals_may_be_left_empty(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rows = [DEAL_HEADER, ["Pilot", "Nowhere Ltd", "Lead", "2024-01-01", "", ""]]
    rejected = previewed_job(world.rita, csv_upload(rows), kind="deals", unknown_accounts="reject")
    assert rejected.preview["problem_rows"] == 1
    job = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks, kind="deals",
                       unknown_accounts="leave_empty")
    assert job.imported_rows == 1
    assert Deal.objects.get(name="Pilot").account is None
    assert not Account.objects.filter(name="Nowhere Ltd").exists()
    activities = services.import_job_create(owner=world.rita, uploaded=csv_upload([HEADER, *GOOD_ROWS]),
                                            kind="activities")
    with pytest.raises(ValidationError):  # an activity is always with an account
        services.import_job_map(job=activities, mapping=activities.mapping, unknown_accounts="leave_empty")


def test_a_lead_may_import_for_named_people_and_unknown_people_are_rejected(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [["Dato", "Type", "Kunde", "Sælger"], ["20-10-2023", "call", "Acme", "rita"],
            ["20-10-2023", "call", "Acme", "RONJA@example.com"], ["20-10-2023", "call", "Acme", "nobody"],
            ["20-10-2023", "call", "Acme", ""]]
    job = imported_job(world.lene, csv_upload(rows), django_capture_on_commit_callbacks)
    assert job.mapping["owner"] == 3
    assert (job.imported_rows, job.error_rows) == (3, 1)
    owners = sorted(Activity.objects.values_list("owner__username", flat=True))
    assert owners == ["lene", "rita", "ronja"]


def test_only_a_lead_may_map_an_owner_column(world: World) -> None:
    rows = [["Dato", "Type", "Kunde", "Sælger"], ["20-10-2023", "call", "Acme", "ronja"]]
    job = services.import_job_create(owner=world.rita, uploaded=csv_upload(rows), kind="activities")
    assert "owner" not in job.mapping
    with pytest.raises(ValidationError):
        services.import_job_map(job=job, mapping={**job.mapping, "owner": 3}, unknown_accounts="create")


def test_mapping_must_name_every_required_field(world: World) -> None:
    job = services.import_job_create(owner=world.rita, uploaded=csv_upload([HEADER, GOOD_ROWS[0]]), kind="activities")
    with pytest.raises(ValidationError) as raised:
        services.import_job_map(job=job, mapping={"date": 0}, unknown_accounts="create")
    assert len(raised.value.messages) == 2


def test_running_the_task_again_changes_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    job = imported_job(world.rita, csv_upload([HEADER, *GOOD_ROWS, BAD_ROW]), django_capture_on_commit_callbacks)
    before = (Activity.objects.count(), ImportRowError.objects.count(), job.imported_rows, job.error_rows)
    run_import(job.pk)
    job.refresh_from_db()
    assert (Activity.objects.count(), ImportRowError.objects.count(), job.imported_rows, job.error_rows) == before


def test_an_interrupted_run_resumes_after_its_last_chunk(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    job = previewed_job(world.rita, csv_upload([HEADER, *GOOD_ROWS, BAD_ROW]))
    real_write = services._write_chunk
    calls = {"n": 0}

    def crash_on_second_chunk(*args: Any, **kwargs: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("worker lost")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "_write_chunk", crash_on_second_chunk)
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, language="en")
    with pytest.raises(ConnectionError):
        services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, Activity.objects.count()) == (ImportStatus.RUNNING, 2, 2)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.imported_rows, job.error_rows) == (ImportStatus.DONE, 4, 3, 1)
    assert Activity.objects.count() == 3


def test_upload_rejects_other_file_types_and_unreadable_files(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.import_job_create(owner=world.rita, uploaded=SimpleUploadedFile("x.pdf", b"%PDF"), kind="activities")
    with pytest.raises(ValidationError):
        services.import_job_create(owner=world.rita, uploaded=SimpleUploadedFile("x.xlsx", b"nope"), kind="activities")
    with pytest.raises(ValidationError):
        services.import_job_create(owner=world.rita, uploaded=SimpleUploadedFile("x.csv", b""), kind="activities")


def test_activities_link_to_named_deals_and_unknown_deals_are_rejected(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Acme")
    deal = factories.DealFactory(account=account, owner=world.rita, name="Pilot", stage=world.stages[0],
                                 last_activity_at=None)
    rows = [["Dato", "Type", "Kunde", "Aftale"], ["20-10-2023", "call", "acme", "pilot"],
            ["21-10-2023", "call", "Acme", "Moonshot"]]
    job = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.error_rows) == (1, 1)
    activity = Activity.objects.get(owner=world.rita)
    assert (activity.deal_id, activity.account_id) == (deal.pk, account.pk)
    deal.refresh_from_db()
    assert deal.last_activity_at == activity.occurred_at
    assert "Moonshot" in ImportRowError.objects.get(job=job).messages[0]


def test_a_stale_page_cannot_remap_an_import_that_has_started(world: World) -> None:
    job = previewed_job(world.rita, csv_upload([HEADER, *GOOD_ROWS]))
    stale = services.ImportJob.objects.get(pk=job.pk)  # loaded by a tab opened before "Import" was pressed
    services.ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    with pytest.raises(ValidationError):
        services.import_job_map(job=stale, mapping=stale.mapping, unknown_accounts="create")
    with pytest.raises(ValidationError):
        services.import_job_preview(job=stale)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING


def test_deals_last_activity_moves_forward_only_in_one_update_per_chunk(
    world: World, django_capture_on_commit_callbacks: Any, django_assert_max_num_queries: Any,
) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Acme")
    recent = dt.datetime(2023, 11, 1, 9, 0, tzinfo=dt.UTC)
    fresh = factories.DealFactory(account=account, owner=world.rita, name="Fresh", stage=world.stages[0],
                                  last_activity_at=recent)
    untouched = [factories.DealFactory(account=account, owner=world.rita, name=f"Deal {i}", stage=world.stages[0],
                                       last_activity_at=None) for i in range(10)]
    rows = [["Dato", "Type", "Kunde", "Aftale"], ["20-10-2023", "call", "Acme", "Fresh"]]
    rows += [["21-10-2023", "call", "Acme", f"Deal {i}"] for i in range(10)]
    job = previewed_job(world.rita, csv_upload(rows))
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, language="en")
    # Not one UPDATE per deal (11 deals here); PostgreSQL runs one more statement than SQLite (21).
    with django_assert_max_num_queries(24):
        services.import_job_run(job_id=job.pk)
    fresh.refresh_from_db()
    assert fresh.last_activity_at == recent  # an older imported call does not make it look fresher
    for deal in untouched:
        deal.refresh_from_db()
        assert deal.last_activity_at is not None
        assert deal.last_activity_at.date() == dt.date(2023, 10, 21)


def test_a_lost_import_is_resumed_by_the_periodic_job_and_only_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import timezone

    from apps.imports.tasks import resume_stalled_imports
    from tests.imports.factories import csv_upload, previewed_job

    rows = [["Dato", "Type", "Kunde", "Note"], ["20-10-2023", "Møde", "Acme", "Demo"]]
    job = previewed_job(world.rita, csv_upload(rows))
    # Started, but its task never ran (the worker died before the enqueue reached Redis).
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_start(job=job, language="en")
    fresh = resume_stalled_imports.apply().get()
    assert fresh == []  # just started: not stalled

    later = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        resumed = services.import_jobs_resume_stalled(now=later)
    job.refresh_from_db()
    assert resumed == [job.pk]
    assert job.status == ImportStatus.DONE
    assert job.imported_rows == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_jobs_resume_stalled(now=later) == []


def test_owners_match_by_username_email_full_name_or_crm_id_and_ambiguity_names_the_candidates(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    from apps.identities.services import external_identity_add

    external_identity_add(organisation_id=world.org.pk, user_id=world.ronja.pk, source="salesforce",
                          external_id="005000000000001")
    # Two people share a full name: that name alone cannot say whose deal it is.
    twin = factories.UserFactory(username="rita2", first_name="Rita", last_name="Test", email="rita2@example.com")
    factories.MembershipFactory(user=twin, role=world.roles["sales_rep"], organisation=world.org)
    solo = factories.UserFactory(username="kim", first_name="Kim", last_name="Æbelø", email="kim@example.com")
    factories.MembershipFactory(user=solo, role=world.roles["sales_rep"], organisation=world.org)
    rows = [["Dato", "Type", "Kunde", "Sælger"],
            ["20-10-2023", "call", "Acme", "  kim   ÆBELØ "],  # full name, any case and spacing
            ["20-10-2023", "call", "Acme", "005000000000001AAA"],  # the 18-character form of ronja's id
            ["20-10-2023", "call", "Acme", "Rita Test"],
            ["20-10-2023", "call", "Acme", "RITA"]]
    job = imported_job(world.lene, csv_upload(rows), django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.error_rows) == (3, 1)
    owners = sorted(Activity.objects.values_list("owner__username", flat=True))
    assert owners == ["kim", "rita", "ronja"]
    problem = ImportRowError.objects.get(job=job)
    assert problem.row_number == 4
    assert problem.messages == [
        "“Rita Test” is the name of 2 people: rita (rita@example.com), rita2 (rita2@example.com). "
        "Use the username or e-mail."
    ]
