"""The lead's upload page for CRM log files: preview, background import with progress, resumable."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kombu.exceptions import OperationalError

from apps.identities.services import external_identity_add
from apps.integrations import services
from apps.integrations.models import HeldEvent, UsageImport, UsageImportStatus
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
URL = "/integrations/usage-imports/"


def upload(client: Client, name: str = "eventlogfile.csv", fmt: str = "salesforce-elf", **extra: str) -> Any:
    data = SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")
    return client.post(URL, {"format": fmt, "file": data, **extra})


def test_upload_previews_then_imports_in_the_background(world: World, django_capture_on_commit_callbacks: Any) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="salesforce",
                          external_id="005000000000001AAA")
    client = world.client_for(world.lene)
    response = upload(client)
    item = UsageImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{item.pk}/"
    page = client.get(f"{URL}{item.pk}/").content.decode()
    assert "1 of 2 CRM users are mapped to people." in page
    assert "005000000000002AAA" in page  # the unmapped one, named
    assert "Row 6" in page
    assert UsageEvent.objects.filter(source="crm_export").count() == 0  # a preview adds nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{item.pk}/")
    item.refresh_from_db()
    assert item.status == UsageImportStatus.DONE
    assert (item.rows_total, item.rows_done, item.accepted, item.held, item.problem_count) == (4, 4, 3, 1, 1)
    assert UsageEvent.objects.filter(user=world.rita, source="crm_export").count() == 3
    assert HeldEvent.objects.count() == 1
    assert 'data-testid="accepted">3<' in client.get(f"{URL}{item.pk}/").content.decode()

    # The same file again: a new preview, and importing it adds nothing twice.
    upload(client)
    again = UsageImport.objects.order_by("-pk").first()
    assert again is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{again.pk}/")
    again.refresh_from_db()
    assert (again.accepted, again.duplicate) == (0, 4)
    assert UsageEvent.objects.filter(source="crm_export").count() == 3


def test_a_run_killed_mid_file_resumes_after_its_last_chunk_and_counts_nothing_twice(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(1, 3):
        external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk if i == 1 else world.ronja.pk,
                              source="salesforce", external_id=f"00500000000000{i}AAA")
    client = world.client_for(world.lene)
    upload(client)
    item = UsageImport.objects.get()
    item.status = UsageImportStatus.QUEUED
    item.save()
    monkeypatch.setattr(services, "CHUNK_EVENTS", 2)
    real_ingest = services.events_ingest
    calls = {"n": 0}

    def dies_on_second_chunk(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_ingest(**kwargs)

    monkeypatch.setattr(services, "events_ingest", dies_on_second_chunk)
    with pytest.raises(SystemExit):
        services.usage_import_run(usage_import_id=item.pk)
    item.refresh_from_db()
    assert (item.rows_done, item.accepted) == (2, 2)

    done = services.usage_import_run(usage_import_id=item.pk)  # the redelivered task
    assert (done.status, done.rows_done, done.accepted, done.duplicate) == (UsageImportStatus.DONE, 4, 4, 0)
    assert UsageEvent.objects.filter(source="crm_export").count() == 4


def test_broker_down_the_import_waits_and_the_resume_job_queues_it(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any,
) -> None:
    client = world.client_for(world.lene)
    upload(client)
    item = UsageImport.objects.get()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    task = services.current_app.tasks[services.USAGE_IMPORT_TASK]
    monkeypatch.setattr(task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{item.pk}/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == UsageImportStatus.QUEUED
    monkeypatch.undo()
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(task, "apply_async", lambda kwargs: sent.append(kwargs))
    assert services.usage_imports_resume(older_than=dt.timedelta(0)) == 1
    assert sent == [{"usage_import_id": item.pk}]


def test_the_generic_format_needs_its_columns_and_a_valid_type_mapping(world: World) -> None:
    client = world.client_for(world.lene)
    page = upload(client, "generic.csv", "csv", person_column="", time_column="when")
    assert "Name the columns that hold the person and the time." in page.content.decode()
    page = upload(client, "generic.csv", "csv", person_column="who", time_column="when", type_map="Opened deal = viewed")
    assert "Line 1 of the type mapping" in page.content.decode()
    assert 'value="who"' in page.content.decode()  # what was typed is kept
    assert UsageImport.objects.count() == 0
    upload(client, "generic.csv", "csv", person_column="who", time_column="when", type_column="action",
           type_map="Opened deal = record_viewed")
    assert UsageImport.objects.get().preview["kinds"] == {"record_viewed": 2, "other": 2}


@pytest.mark.parametrize("who", ["rita", "mads", "sam", "anonymous"])
def test_only_the_project_lead_reaches_the_upload_pages(world: World, who: str) -> None:
    item = UsageImport.objects.create(organisation=world.org, format="salesforce-elf", file="x.csv", file_name="x.csv")
    client = Client() if who == "anonymous" else world.client_for(getattr(world, who))
    for url in (URL, f"{URL}{item.pk}/"):
        assert client.get(url).status_code in (302, 403)


def test_another_organisations_upload_is_not_found(world: World) -> None:
    other = factories.OrganisationFactory(name="Other")
    item = UsageImport.objects.create(organisation=other, format="salesforce-elf", file="x.csv", file_name="x.csv")
    assert world.client_for(world.lene).get(f"{URL}{item.pk}/").status_code == 404
