"""The import pages: permission matrix, the flow over HTTP, errors that keep input, Danish."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.imports import forms, services
from apps.imports.models import ImportJob, ImportStatus
from tests import factories
from tests.conftest import World
from tests.imports.factories import csv_upload, imported_job, previewed_job

pytestmark = pytest.mark.django_db

ROWS = [["Dato", "Type", "Kunde", "Note"], ["20-10-2023", "Møde", "Acme", "Demo"], ["32-10-2023", "call", "Acme", ""]]
ROLES = ["rita", "mads", "lene", "sam", "maja"]
JOB_URLS = ["imports:map", "imports:preview", "imports:progress", "imports:status", "imports:result",
            "imports:invalid_rows"]


@pytest.mark.parametrize("username", ROLES)
def test_every_role_may_open_the_upload_page(world: World, username: str) -> None:
    response = world.client_for(getattr(world, username)).get(reverse("imports:start"))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["imports:start", *JOB_URLS])
def test_anonymous_visitors_are_sent_to_log_in(world: World, name: str) -> None:
    job = previewed_job(world.rita, csv_upload(ROWS))
    url = reverse(name) if name == "imports:start" else reverse(name, kwargs={"job_id": job.pk})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_without_a_role_is_forbidden(world: World) -> None:
    outsider = factories.UserFactory(username="outsider")
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("imports:start")).status_code == 403


@pytest.mark.parametrize("username", ["ronja", "mads", "lene", "sam", "maja"])
@pytest.mark.parametrize("name", [*JOB_URLS, "imports:run"])
def test_nobody_else_may_open_a_persons_import(
    world: World, django_capture_on_commit_callbacks: Any, username: str, name: str,
) -> None:
    job = imported_job(world.rita, csv_upload(ROWS), django_capture_on_commit_callbacks)
    client = world.client_for(getattr(world, username))
    url = reverse(name, kwargs={"job_id": job.pk})
    response = client.post(url) if name == "imports:run" else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", JOB_URLS)
def test_the_owner_may_open_every_page_of_a_finished_import(
    world: World, django_capture_on_commit_callbacks: Any, name: str,
) -> None:
    job = imported_job(world.rita, csv_upload(ROWS), django_capture_on_commit_callbacks)
    response = world.client_for(world.rita).get(reverse(name, kwargs={"job_id": job.pk}))
    if name in ("imports:map", "imports:preview"):
        assert response.status_code == 302  # a finished import cannot be re-mapped
        assert response["Location"] == reverse("imports:result", kwargs={"job_id": job.pk})
    else:
        assert response.status_code == 200


def test_the_lead_sees_the_organisations_imports_as_counts_only(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    imported_job(world.rita, csv_upload(ROWS), django_capture_on_commit_callbacks)
    lead_page = world.client_for(world.lene).get(reverse("imports:start")).content.decode()
    assert 'data-testid="organisation-imports"' in lead_page
    assert "Rita" not in lead_page  # aggregates only: not who imported
    assert "mine.csv" not in lead_page  # the file (and its rows) stay with the person
    for username in ("rita", "mads"):
        page = world.client_for(getattr(world, username)).get(reverse("imports:start")).content.decode()
        assert "organisation-imports" not in page


def test_the_whole_flow_over_http(world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = world.client_for(world.rita)
    response = client.post(reverse("imports:start"), {"file": csv_upload(ROWS), "kind": "activities"})
    job = ImportJob.objects.get(owner=world.rita)
    assert response["Location"] == reverse("imports:map", kwargs={"job_id": job.pk})
    mapping_page = client.get(response["Location"]).content.decode()
    assert '<option value="date" selected>' in mapping_page
    response = client.post(reverse("imports:map", kwargs={"job_id": job.pk}), {
        "column_0": "date", "column_1": "type", "column_2": "account", "column_3": "summary",
        "unknown_accounts": "create"})
    assert response["Location"] == reverse("imports:preview", kwargs={"job_id": job.pk})
    preview = client.get(response["Location"]).content.decode()
    assert 'id="would-import">1<' in preview
    assert "32-10-2023" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:run", kwargs={"job_id": job.pk}))
    assert response["Location"] == reverse("imports:progress", kwargs={"job_id": job.pk})
    status = client.get(reverse("imports:status", kwargs={"job_id": job.pk})).json()
    assert (status["status"], status["processed_rows"], status["imported_rows"], status["error_rows"]) == (
        ImportStatus.DONE, 2, 1, 1)
    progress = client.get(response["Location"]).content.decode()
    assert '<progress id="import-bar" max="2" value="2">' in progress
    result = client.get(reverse("imports:result", kwargs={"job_id": job.pk})).content.decode()
    assert 'id="imported-rows">1<' in result
    download = client.get(reverse("imports:invalid_rows", kwargs={"job_id": job.pk}))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0] == "Dato;Type;Kunde;Note;error"
    assert lines[1].startswith("32-10-2023;call;Acme;;Date:")


def test_mapping_errors_keep_what_was_chosen(world: World) -> None:
    job = previewed_job(world.rita, csv_upload(ROWS))
    client = world.client_for(world.rita)
    response = client.post(reverse("imports:map", kwargs={"job_id": job.pk}), {
        "column_0": "date", "column_1": "date", "column_2": "", "column_3": "summary", "unknown_accounts": "reject"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is already chosen for column" in page
    assert '<option value="summary" selected>' in page
    assert 'value="reject" id="id_unknown_accounts_0" required checked' in page
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED  # nothing saved from the bad submission
    response = client.post(reverse("imports:map", kwargs={"job_id": job.pk}), {
        "column_0": "date", "column_1": "", "column_2": "", "column_3": "summary", "unknown_accounts": "create"})
    assert response.status_code == 400
    assert "Choose the column that holds" in response.content.decode()


def test_upload_errors_are_clear(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client_for(world.rita)
    wrong = client.post(reverse("imports:start"), {"file": csv_upload(ROWS, name="mine.pdf"), "kind": "deals"})
    assert wrong.status_code == 400
    assert "Only .csv and .xlsx files can be imported." in wrong.content.decode()
    assert 'value="deals" id="id_kind_1" required checked' in wrong.content.decode()
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    too_big = client.post(reverse("imports:start"), {"file": csv_upload(ROWS), "kind": "activities"})
    assert too_big.status_code == 400
    assert "the limit is 0 MB" in too_big.content.decode()
    assert not ImportJob.objects.exists()


def test_pages_render_in_danish(world: World) -> None:
    job = previewed_job(world.rita, csv_upload(ROWS))
    client = world.client_for(world.rita)
    start = client.get(reverse("imports:start"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Importér dit regneark" in start
    preview = client.get(reverse("imports:preview", kwargs={"job_id": job.pk}), HTTP_ACCEPT_LANGUAGE="da")
    assert "Rækker med problemer" in preview.content.decode()


def test_a_running_import_shows_live_progress_with_a_no_script_refresh(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    from apps.imports import services

    job = previewed_job(world.rita, csv_upload(ROWS))
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not picked it up yet
        services.import_job_start(job=job, language="en")
    client = world.client_for(world.rita)
    page = client.get(reverse("imports:progress", kwargs={"job_id": job.pk})).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'data-finished="false"' in page
    assert '<p id="result-link" hidden>' in page
    status = client.get(reverse("imports:status", kwargs={"job_id": job.pk})).json()
    assert (status["status"], status["processed_rows"], status["total_rows"], status["finished"]) == (
        "running", 0, 2, False)
    assert client.get(reverse("imports:result", kwargs={"job_id": job.pk}))["Location"] == reverse(
        "imports:progress", kwargs={"job_id": job.pk})


def test_importing_before_the_preview_says_why_it_went_back(world: World) -> None:
    job = services.import_job_create(owner=world.rita, uploaded=csv_upload(ROWS), kind="activities")
    client = world.client_for(world.rita)
    response = client.post(reverse("imports:run", kwargs={"job_id": job.pk}), follow=True)
    assert response.redirect_chain[0][0] == reverse("imports:map", kwargs={"job_id": job.pk})
    assert "Check the preview before importing." in response.content.decode()
