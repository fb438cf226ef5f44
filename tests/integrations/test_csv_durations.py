"""The generic CSV connector's time-spent column: guessed, read in every format, bad cells per row.

Every expected figure is worked out by hand from the rows written here or in
fixtures/crm_usage_da.csv, not by the code under test.
"""

import datetime as dt
import io
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from apps.core.errors import ApplicationError
from apps.core.periods import week_start
from apps.identities.services import external_identity_add
from apps.integrations.connectors import generic_csv
from apps.integrations.connectors.generic_csv import CsvOptions, DurationError, duration_seconds, options_resolved
from apps.integrations.models import HeldEvent, UsageImport, UsageImportStatus
from apps.integrations.services import crm_usage_import
from apps.scoring import services as scoring
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

FIXTURES = Path(__file__).parent / "fixtures"
DANISH = FIXTURES / "crm_usage_da.csv"
URL = "/integrations/usage-imports/"
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
TYPE_MAP = "Oprettet = record_created\nOpdateret = record_updated\nVisning = record_viewed"


def header(*names: str) -> str:
    return ",".join(names) + "\n"


# --- Guessing the column and its unit --------------------------------------------------------

@pytest.mark.parametrize(("column", "unit"), [
    ("duration", "s"), ("Duration", "s"), ("duration_seconds", "s"), ("seconds", "s"), ("time_spent", "s"),
    ("Duration (s)", "s"), ("Varighed", "s"), ("Varighed (sek.)", "s"), ("Tidsforbrug", "s"),
    ("RUN_TIME", "ms"), ("Duration_ms", "ms"), ("Duration (ms)", "ms"), ("Varighed (ms)", "ms"),
    ("Duration (min)", "min"), ("Minutes", "min"), ("Varighed (min)", "min"), ("Minutter", "min"),
])
def test_the_time_spent_column_and_its_unit_are_guessed_from_the_header(column: str, unit: str) -> None:
    text = header("who", "when", column) + "rita,2026-11-17 09:00,5\n"
    resolved = options_resolved(text, {"person_column": "who", "time_column": "when"})
    assert (resolved["duration_column"], resolved["duration_unit"], resolved["duration_guess"]) == (column, unit, False)


def test_no_header_that_names_a_time_spent_means_no_duration() -> None:
    resolved = options_resolved(header("who", "when", "action", "Time"), {"person_column": "who", "time_column": "when"})
    assert (resolved["duration_column"], resolved["duration_unit"]) == ("", "")


def test_the_first_fitting_header_wins_and_columns_already_chosen_are_not_guessed() -> None:
    text = header("who", "Seconds", "Varighed", "Duration")
    # "Seconds" is the time column here, so the next header that names a time spent is taken.
    assert options_resolved(text, {"person_column": "who", "time_column": "Seconds"})["duration_column"] == "Varighed"
    assert options_resolved(text, {"person_column": "who", "time_column": "when"})["duration_column"] == "Seconds"


def test_a_named_column_and_unit_win_over_the_guess_and_none_can_be_asked_for() -> None:
    text = header("who", "when", "Duration", "Handle time (ms)", "call_minutes")
    named = options_resolved(text, {"duration_column": "Handle time (ms)"})
    assert (named["duration_column"], named["duration_unit"]) == ("Handle time (ms)", "ms")  # unit from its name
    assert options_resolved(text, {"duration_column": "call_minutes"})["duration_unit"] == "min"
    forced = options_resolved(text, {"duration_column": "Handle time (ms)", "duration_unit": "s"})
    assert forced["duration_unit"] == "s"
    assert options_resolved(text, {"duration_guess": False})["duration_column"] == ""
    # Decided once: reading the stored options again decides the same.
    assert options_resolved(text, options_resolved(text, {})) == options_resolved(text, {})


def test_a_named_column_missing_from_the_file_or_an_unknown_unit_is_refused() -> None:
    text = header("who", "when", "Duration")
    with pytest.raises(ApplicationError, match="no column “Varighed”; its columns are: who, when, Duration"):
        options_resolved(text, {"duration_column": "Varighed"})
    with pytest.raises(ApplicationError, match="unit"):
        options_resolved(text, {"duration_unit": "hours"})


# --- Reading the values ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "seconds"), [
    ("12", "s", 12),
    ("12.5", "s", 13),          # halves round up
    ("12.4", "s", 12),
    ("1,5", "s", 2),            # Danish decimal comma: 1.5 s
    ("1,5", "min", 90),         # 1.5 min
    ("0,25", "min", 15),
    ("2", "min", 120),
    ("1500", "ms", 2),          # 1.5 s
    ("95000", "ms", 95),        # Salesforce's RUN_TIME/DURATION are milliseconds
    ("1.234,5", "s", 1235),     # Danish thousands and decimals
    ("1,234.5", "s", 1235),     # English thousands and decimals
    ("1 800", "s", 1800),       # thousands grouped by a space
    ("00:01:30", "s", 90),      # h:mm:ss
    ("00:01:30", "ms", 90),     # a clock is a clock whatever the unit
    ("1:02:03", "min", 3723),
    ("0:00:30,6", "s", 31),
    (" 45 ", "s", 45),
    ("0", "s", 0),
    ("86400", "s", 86400),      # a whole day is the most an entry can take
    ("1440", "min", 86400),
    ("", "s", None),            # an empty cell is no measurement
])
def test_time_spent_values_in_each_format(value: str, unit: str, seconds: int | None) -> None:
    assert duration_seconds(value, unit=unit) == seconds


@pytest.mark.parametrize(("value", "unit", "reason"), [
    ("-12", "s", "is negative"),
    ("-0:01:30", "s", "is negative"),
    ("abc", "s", "is not a time spent"),
    ("ca. 5 min", "s", "is not a time spent"),
    ("1:30", "s", "is not a time spent"),      # h:mm or m:ss? ambiguous: h:mm:ss is asked for
    ("0:75:00", "s", "is not a time spent"),
    ("1e3", "s", "is not a time spent"),
    ("NaN", "s", "is not a time spent"),
    ("12.", "s", "is not a time spent"),
    ("86401", "s", "more than a day (86400 seconds)"),
    ("1441", "min", "more than a day"),
    ("86400001", "ms", "more than a day"),
    ("25:00:00", "s", "more than a day"),
    ("9" * 5000, "s", "more than a day"),      # far too long to be an int: still a row problem
])
def test_unreadable_negative_or_absurd_values_are_refused_with_a_reason(value: str, unit: str, reason: str) -> None:
    with pytest.raises(DurationError) as raised:
        duration_seconds(value, unit=unit)
    assert reason in raised.value.message
    assert value[:50] in raised.value.message


def test_bad_values_are_row_problems_and_the_good_rows_keep_their_time() -> None:
    text = (header("id", "who", "when", "kind", "Duration")
            + "a,rita,2026-11-17 09:00,record_created,30\n"
            + "b,rita,2026-11-17 09:01,record_created,-5\n"
            + "c,rita,2026-11-17 09:02,record_updated,soon\n"
            + "d,rita,2026-11-17 09:03,record_updated,100000\n"
            + "e,rita,2026-11-17 09:04,record_updated,\"2,5\"\n"
            + "f,rita,2026-11-17 09:05,record_created,\n")
    options = CsvOptions(person_column="who", time_column="when", type_column="kind", id_column="id",
                         duration_column="Duration", duration_unit="s")
    parsed = generic_csv.parse(text, options=options, now=NOW)
    assert [(e.idempotency_key, e.duration_seconds) for e in parsed.events] == [
        ("csv:a", 30), ("csv:e", 3), ("csv:f", None)]
    assert [row for row, _message in parsed.problems] == [3, 4, 5]
    assert "“-5” is negative" in parsed.problems[0][1]
    assert "“soon” is not a time spent" in parsed.problems[1][1]
    assert "“100000” is more than a day" in parsed.problems[2][1]


def test_time_spent_is_an_entry_time_only_on_a_give_and_is_kept_in_metadata_otherwise() -> None:
    text = header("who", "when", "kind", "secs") + ("rita,2026-11-17 09:00,record_updated,40\n"
                                                    "rita,2026-11-17 09:05,login,600\n")
    options = CsvOptions(person_column="who", time_column="when", type_column="kind", duration_column="secs")
    created, login = generic_csv.parse(text, options=options, now=NOW).events
    assert (created.kind, created.duration_seconds, created.metadata) == (EventKind.RECORD_UPDATED, 40, {})
    assert (login.kind, login.duration_seconds, login.metadata) == (EventKind.LOGIN, None, {"time_spent_seconds": 600})


# --- End to end ------------------------------------------------------------------------------

def stored_seconds(world: World) -> dict[str, int | None]:
    """Return the CRM-export events' time spent by their key in the file (without the organisation's prefix)."""
    prefix = f"org{world.org.pk}:"
    return {key.removeprefix(prefix): seconds for key, seconds in
            UsageEvent.objects.filter(source="crm_export").values_list("idempotency_key", "duration_seconds")}


def danish_upload(client: Client, **extra: str) -> Any:
    data = SimpleUploadedFile("brug.csv", DANISH.read_bytes(), content_type="text/csv")
    return client.post(URL, {"format": "csv", "file": data, "person_column": "Bruger", "time_column": "Tidspunkt",
                             "type_column": "Handling", "id_column": "Hændelses-id", "identity_source": "csv",
                             "type_map": TYPE_MAP, **extra})


# By hand, from fixtures/crm_usage_da.csv ("Varighed (sek.)" is seconds):
# h1 95 · h2 "1,5" → 1.5 → 2 · h3 0:02:05 → 125 · h4 empty → none · h5 a view: no entry time
# h6 -12, h7 "ca. 5 min", h8 90000 (> 86400): rows 7, 8 and 9 are problems
# h9 "12,4" → 12 · h10 1:00:00 → 3600 · h11 (ronja) 240 · h12 (unmapped) 60, held
EXPECTED_SECONDS = {"csv:h1": 95, "csv:h2": 2, "csv:h3": 125, "csv:h4": None, "csv:h5": None,
                    "csv:h9": 12, "csv:h10": 3600, "csv:h11": 240}


@pytest.mark.django_db
def test_a_danish_export_through_the_page_stores_each_rows_time_spent(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    for person, name in ((world.rita, "rita"), (world.ronja, "ronja")):
        external_identity_add(organisation_id=world.org.pk, user_id=person.pk, source="csv", external_id=name)
    client = world.client_for(world.lene)
    page = client.get(URL).content.decode()
    assert 'name="duration_column" value=""' in page  # offered, empty (guessed, else none) by default
    assert '<option value="ms">milliseconds</option>' in page
    assert "Kolonne med tidsforbruget (valgfri)" in client.get(URL, HTTP_ACCEPT_LANGUAGE="da").content.decode()

    response = danish_upload(client)
    item = UsageImport.objects.get()
    assert response.status_code == 302
    assert (item.options["duration_column"], item.options["duration_unit"]) == ("Varighed (sek.)", "s")
    preview = client.get(f"{URL}{item.pk}/").content.decode()
    # h1, h2, h3, h9, h10, h11 and h12 carry a time: 7 (h4 has none, h5 is a view).
    assert "Time spent is read from the column “Varighed (sek.)”, in seconds: 7 entries" in preview
    assert "3 rows have problems" in preview
    assert "Row 7: The time spent “-12” is negative." in preview
    assert "Row 8: “ca. 5 min” is not a time spent: write e.g. 90, 12.5, 1,5 or h:mm:ss such as 0:01:30." in preview
    assert "Row 9: The time spent “90000” is more than a day (86400 seconds)" in preview
    danish = client.get(f"{URL}{item.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Tidsforbrug læses fra kolonnen “Varighed (sek.)” i sekunder: 7 registreringer" in danish
    assert UsageEvent.objects.filter(source="crm_export").count() == 0  # a preview adds nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{item.pk}/")
    item.refresh_from_db()
    assert item.status == UsageImportStatus.DONE
    assert (item.rows_total, item.accepted, item.held, item.problem_count) == (9, 8, 1, 3)
    assert stored_seconds(world) == EXPECTED_SECONDS
    assert UsageEvent.objects.get(idempotency_key=f"org{world.org.pk}:csv:h5").metadata == {"time_spent_seconds": 30}
    held = HeldEvent.objects.get()
    assert (held.external_id, held.duration_seconds) == ("ukendt", 60)
    rita_total = sum(s or 0 for s in UsageEvent.objects.filter(user=world.rita).values_list("duration_seconds",
                                                                                              flat=True))
    assert rita_total == 95 + 2 + 125 + 12 + 3600


@pytest.mark.django_db
def test_the_page_can_be_told_to_read_no_time_spent_or_another_unit(world: World) -> None:
    client = world.client_for(world.lene)
    danish_upload(client, no_duration="1")
    item = UsageImport.objects.get()
    assert item.options["duration_column"] == ""
    assert "No column with the time spent" in client.get(f"{URL}{item.pk}/").content.decode()
    assert "Ingen kolonne med tidsforbrug" in client.get(f"{URL}{item.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert item.preview["problem_count"] == 0  # the bad cells are not read at all

    danish_upload(client, duration_unit="min")
    minutes = UsageImport.objects.order_by("-pk").first()
    assert minutes is not None
    assert minutes.options["duration_unit"] == "min"
    # In minutes the largest plain value read, h11's 240 min, is 14,400 s: still under a day.
    assert [row for row, _message in minutes.preview["problems"]] == [7, 8, 9]
    assert "in minutes" in client.get(f"{URL}{minutes.pk}/").content.decode()

    page = danish_upload(client, duration_column="Tid")
    assert "The file has no column “Tid”" in page.content.decode()
    assert 'value="Tid"' in page.content.decode()  # what was typed is kept
    assert UsageImport.objects.count() == 2


@pytest.mark.django_db
def test_an_english_export_in_minutes_through_the_service(world: World) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    text = (header("Event", "User", "When", "Type", "Duration (min)")
            + "e1,rita,2026-11-17T09:00:00Z,record_created,\"1,5\"\n"   # 90 s
            + "e2,rita,2026-11-17T09:10:00Z,record_updated,2.25\n"      # 135 s
            + "e3,rita,2026-11-17T09:20:00Z,record_updated,0:03:10\n"   # 190 s
            + "e4,rita,2026-11-17T09:30:00Z,record_created,-1\n")       # row 5: negative
    summary = crm_usage_import(organisation_id=world.org.pk, fmt="csv", text=text, options={
        "person_column": "User", "time_column": "When", "type_column": "Type", "id_column": "Event"})
    assert (summary.accepted, [row for row, _message in summary.problems]) == (3, [5])
    assert stored_seconds(world) == {"csv:e1": 90, "csv:e2": 135, "csv:e3": 190}


@pytest.mark.django_db
def test_a_danish_excel_export_with_semicolons_and_decimal_commas(world: World) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    text = ("Id;Bruger;Tidspunkt;Handling;Varighed (min)\n"
            "d1;rita;2026-11-17T09:00:00Z;record_created;1,5\n"     # 90 s
            "d2;rita;2026-11-17T09:10:00Z;record_updated;0,25\n"    # 15 s
            "d3;rita;2026-11-17T09:20:00Z;record_updated;\n")       # no time
    summary = crm_usage_import(organisation_id=world.org.pk, fmt="csv", text=text, options={
        "person_column": "Bruger", "time_column": "Tidspunkt", "type_column": "Handling", "id_column": "Id"})
    assert (summary.accepted, summary.problems) == (3, [])
    assert stored_seconds(world) == {"csv:d1": 90, "csv:d2": 15, "csv:d3": None}


@pytest.mark.django_db
def test_the_command_names_or_refuses_the_time_spent(world: World, tmp_path: Path) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    base = ["crm_usage_import", "--org", "Testorg", "--format", "csv", "--person-column", "who",
            "--time-column", "when", "--type-column", "kind", "--id-column", "id"]

    def run(row_id: str, *extra: str) -> int | None:
        export = tmp_path / f"{row_id}.csv"
        export.write_text(header("id", "who", "when", "kind", "raw", "Duration")
                          + f"{row_id},rita,2026-11-17 09:00,record_created,1500,7\n")
        call_command(*base, *extra, str(export), stdout=io.StringIO())
        return stored_seconds(world)[f"csv:{row_id}"]

    assert run("named", "--duration-column", "raw", "--duration-unit", "ms") == 2  # 1500 ms
    assert run("guessed") == 7  # "Duration", in seconds
    assert run("none", "--no-duration") is None


@pytest.mark.django_db
def test_csv_time_spent_is_scored_as_the_records_measured_time(world: World) -> None:
    role = world.roles["sales_rep"]
    role.entry_cap_seconds = 300
    role.save()
    factories.ContractFactory(role=role, give_kind=EventKind.RECORD_CREATED, give_expected_minutes=D("4"))
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    crm_usage_import(organisation_id=world.org.pk, fmt="csv", text=DANISH.read_text(), options={
        "person_column": "Bruger", "time_column": "Tidspunkt", "type_column": "Handling",
        "type_map": {"Oprettet": "record_created", "Opdateret": "record_updated", "Visning": "record_viewed"}})
    monday = week_start(dt.date(2026, 11, 17))
    scoring.scores_compute(user_ids=[world.rita.pk], mondays=[monday])
    snapshot = ScoreSnapshot.objects.get(user_id=world.rita.pk, period_start=monday)
    lines = {line["kind"]: (line["count"], line["measured"], line["minutes"]) for line in snapshot.components["give"]}
    # record_created: h1 95 s, h10 3600 s capped at 300, h4 unmeasured at the contract's 4 min:
    #   (95 + 300) / 60 + 4 = 10.583…
    # record_updated: h2 2 + h3 125 + h9 12 = 139 s = 2.316…  (h5 is a view: no give)
    assert lines == {"record_created": (3, 2, "10.58"), "record_updated": (3, 3, "2.32")}
    assert snapshot.give_minutes == D("12.90")  # (95 + 300 + 139) / 60 + 4 = 12.9
