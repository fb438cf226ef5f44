"""Salesforce EventLogFile connector: parsing (pure) and the idempotent import."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.identities.services import external_identity_add
from apps.integrations.connectors import salesforce_elf
from apps.integrations.models import HeldEvent
from apps.integrations.services import crm_usage_import
from apps.usage.models import UsageEvent
from tests.conftest import World

FIXTURE = Path(__file__).parent / "fixtures" / "eventlogfile.csv"


def test_event_log_file_maps_types_and_keeps_unknown_ones() -> None:
    parsed = salesforce_elf.parse(FIXTURE.read_text())
    assert [e.kind for e in parsed.events] == ["login", "record_viewed", "report_viewed", "other"]
    assert parsed.events[0].occurred_at == dt.datetime(2023, 12, 18, 5, 48, 31, 655000, tzinfo=dt.UTC)
    assert parsed.events[0].external_id == "005000000000001AAA"
    assert parsed.events[1].metadata == {"event_type": "LightningPageView", "duration_ms": "1200",
                                         "effective_page_time_ms": "950", "user_name": "rita@example.com"}
    assert parsed.events[3].metadata["event_type"] == "WaveChange"
    assert parsed.events[3].occurred_at == dt.datetime(2023, 12, 18, 5, 51, tzinfo=dt.UTC)
    assert [row for row, _message in parsed.problems] == [6]


def test_a_cell_with_a_nul_byte_is_that_rows_problem_and_the_other_rows_stay() -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    clean = salesforce_elf.parse("".join(lines))
    tainted = salesforce_elf.parse("".join([*lines[:2], lines[2].replace("Standard", "Stan\x00dard", 1),
                                            *lines[3:]]))
    assert len(tainted.events) == len(clean.events) - 1
    assert [row for row, _message in tainted.problems] == [3, 6]


def test_compact_timestamp_is_utc() -> None:
    assert salesforce_elf.parse_timestamp("", "20231218054831.655") == dt.datetime(
        2023, 12, 18, 5, 48, 31, 655000, tzinfo=dt.UTC,
    )


@pytest.mark.django_db
def test_import_attributes_holds_and_re_import_adds_nothing(world: World) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="salesforce",
                          external_id="005000000000001")
    first = crm_usage_import(organisation_id=world.org.pk, fmt="salesforce-elf", text=FIXTURE.read_text())
    assert (first.accepted, first.held, len(first.problems)) == (3, 1, 1)
    assert UsageEvent.objects.filter(user=world.rita, source="crm_export").count() == 3
    assert HeldEvent.objects.get().external_id == "005000000000002AAA"
    again = crm_usage_import(organisation_id=world.org.pk, fmt="salesforce-elf", text=FIXTURE.read_text())
    assert (again.accepted, again.duplicate, again.held) == (0, 4, 0)
    assert UsageEvent.objects.count() == 3


@pytest.mark.django_db
def test_crm_usage_import_command_reports_per_row(world: World) -> None:
    out = io.StringIO()
    call_command("crm_usage_import", "--org", "Testorg", "--format", "salesforce-elf", str(FIXTURE), stdout=out)
    assert "accepted 0, duplicate 0, held 4, problems 1" in out.getvalue()
    assert "row 6:" in out.getvalue()
