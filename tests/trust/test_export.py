"""Downloading your own data: everything about you, nothing about anyone else."""

import csv
import io
import json
import zipfile

from django.urls import reverse

from apps.activities.services import activity_log
from apps.trust.selectors import EXPORT_TABLES
from apps.trust.services import access_record
from tests import factories


def _setup(world):
    account = factories.AccountFactory(organisation=world.org, name="Shared Account")
    activity_log(owner_id=world.rita.pk, type="call", account=account, summary="Rita's own call")
    activity_log(owner_id=world.ronja.pk, type="call", account=account, summary="Ronja's secret call")
    factories.DealFactory(account=account, owner=world.ronja, stage=world.stages[0], name="Ronja's deal")
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], name="Rita's deal")
    access_record(viewer_id=world.mads.pk, subject_id=world.rita.pk, what="coaching page")
    access_record(viewer_id=world.mads.pk, subject_id=world.ronja.pk, what="coaching page")


def test_json_export_holds_all_my_tables_and_only_my_rows(world):
    _setup(world)
    response = world.client_for(world.rita).get(reverse("trust:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-rita-')
    document = json.loads(response.content)
    assert set(document) == {"exported_at", *(name for name, _b, _f in EXPORT_TABLES)}
    assert [p["username"] for p in document["profile"]] == ["rita"]
    assert [a["summary"] for a in document["activities"]] == ["Rita's own call"]
    assert [d["name"] for d in document["deals"]] == ["Rita's deal"]
    # rita's own call, and her login that opened the export (browser logins are usage)
    assert sorted(e["kind"] for e in document["usage_events"]) == ["call_logged", "login"]
    assert [t["team__name"] for t in document["teams"]] == ["North"]
    assert [r["viewer__username"] for r in document["access_records"]] == ["mads"]
    assert "Ronja" not in response.content.decode()


def test_csv_zip_has_one_file_per_table_and_only_my_rows(world):
    _setup(world)
    response = world.client_for(world.rita).get(reverse("trust:my_data_csv"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name, _b, _f in EXPORT_TABLES)
    activities = list(csv.DictReader(io.StringIO(archive.read("activities.csv").decode("utf-8-sig"))))
    assert [a["summary"] for a in activities] == ["Rita's own call"]
    everything = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert "Ronja" not in everything


def test_another_persons_export_cannot_be_asked_for(world):
    _setup(world)
    # The export has no person parameter: whatever is passed, it is the requester's own data.
    response = world.client_for(world.mads).get(reverse("trust:my_data_json") + f"?user_id={world.rita.pk}")
    document = json.loads(response.content)
    assert [p["username"] for p in document["profile"]] == ["mads"]
    assert document["activities"] == []
