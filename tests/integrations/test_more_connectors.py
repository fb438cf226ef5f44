"""The other CRM log formats (Salesforce login history and Lightning usage, HubSpot logins, any CSV)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.identities.services import external_identity_add
from apps.integrations.connectors import (
    generic_csv,
    hubspot_logins,
    salesforce_lightning_usage,
    salesforce_loginhistory,
)
from apps.integrations.connectors.base import parse_time
from apps.integrations.services import crm_usage_import, decode_upload
from apps.usage.models import UsageEvent
from tests.conftest import World

FIXTURES = Path(__file__).parent / "fixtures"


def text(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_login_history_keeps_successful_logins_and_skips_failed_ones() -> None:
    parsed = salesforce_loginhistory.parse(text("loginhistory.csv"))
    assert [(e.external_id, e.kind, e.occurred_at) for e in parsed.events] == [
        ("005000000000001AAA", "login", dt.datetime(2023, 12, 18, 5, 48, 31, tzinfo=dt.UTC)),
        ("005000000000002AAA", "login", dt.datetime(2023, 12, 19, 7, 15, tzinfo=dt.UTC)),
    ]
    assert parsed.events[1].metadata == {"login_type": "Remote Access 2.0", "application": "Salesforce for iOS",
                                         "browser": "Salesforce Mobile", "platform": "iOS"}
    assert parsed.events[0].idempotency_key == "salesforce-loginhistory:0Ya000000000001AAA"
    assert parsed.skipped == 1
    assert [row for row, _message in parsed.problems] == [5]


def test_lightning_usage_rows_are_daily_aggregates() -> None:
    parsed = salesforce_lightning_usage.parse(text("lightning_usage.csv"))
    assert [(e.occurred_at, e.metadata["page_name"], e.metadata["daily_count"]) for e in parsed.events] == [
        (dt.datetime(2023, 12, 18, 12, tzinfo=dt.UTC), "one:one:home", 12),
        (dt.datetime(2023, 12, 18, 12, tzinfo=dt.UTC), "flexipage:Opportunity_Record_Page", 5),
    ]
    assert parsed.events[1].metadata["effective_page_time_ms"] == 30120
    assert parsed.skipped == 1  # a day with no views
    assert [row for row, _message in parsed.problems] == [5]


def test_hubspot_logins_are_matched_by_email_and_drop_the_ip_address() -> None:
    parsed = hubspot_logins.parse(text("hubspot_logins.csv"))
    assert [(e.external_id, e.occurred_at) for e in parsed.events] == [
        ("Rita@Example.com", dt.datetime(2024, 3, 14, 10, 22, 1, tzinfo=dt.UTC)),
        ("rita@example.com", dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)),
        ("someone@else.example", dt.datetime(2024, 3, 15, 8, 5, tzinfo=dt.UTC)),
    ]
    assert parsed.events[0].metadata == {"login_type": "Password login", "location": "Aarhus, Denmark",
                                         "user_agent": "Mozilla/5.0 (Macintosh)"}
    assert all("192.0.2.10" not in str(e.metadata) for e in parsed.events)
    assert [row for row, _message in parsed.problems] == [5]


def test_any_csv_maps_types_the_lead_names_and_keeps_the_rest_as_other() -> None:
    options = generic_csv.CsvOptions(person_column="who", time_column="when", type_column="action",
                                     id_column="event_id", type_map={"opened deal": "record_viewed",
                                                                     "Edited deal": "record_updated"})
    parsed = generic_csv.parse(text("generic.csv"), options=options)
    assert [(e.kind, e.metadata) for e in parsed.events] == [
        ("record_viewed", {}), ("record_updated", {}), ("other", {"type": "Wrote note"}), ("record_viewed", {}),
    ]
    assert parsed.events[2].occurred_at == dt.datetime(2024, 5, 2, 10, tzinfo=dt.UTC)  # day first
    assert parsed.events[0].idempotency_key == "csv:a1"


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-12-18T05:48:31.000+0000", dt.datetime(2023, 12, 18, 5, 48, 31, tzinfo=dt.UTC)),
    ("2023-12-18T06:48:31+01:00", dt.datetime(2023, 12, 18, 5, 48, 31, tzinfo=dt.UTC)),
    ("12/18/2023 5:48 AM", dt.datetime(2023, 12, 18, 5, 48, tzinfo=dt.UTC)),
    ("Dec 18, 2023 5:48 PM", dt.datetime(2023, 12, 18, 17, 48, tzinfo=dt.UTC)),
    ("18.12.2023 05:48", dt.datetime(2023, 12, 18, 5, 48, tzinfo=dt.UTC)),
])
def test_parse_time_reads_what_crm_exports_write(value: str, expected: dt.datetime) -> None:
    assert parse_time(value) == expected


def test_uploads_in_utf16_or_windows_1252_decode() -> None:
    assert decode_upload("Navn;Æble\n".encode("utf-16")) == "Navn;Æble\n"
    assert decode_upload("Navn;Æble\n".encode("cp1252")) == "Navn;Æble\n"
    assert decode_upload(b"\xef\xbb\xbfa,b\n") == "a,b\n"


@pytest.mark.django_db
def test_hubspot_import_by_email_is_idempotent(world: World) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="hubspot",
                          external_id="rita@example.com")
    first = crm_usage_import(organisation_id=world.org.pk, fmt="hubspot-logins", text=text("hubspot_logins.csv"))
    assert (first.accepted, first.held, len(first.problems)) == (2, 1, 1)
    again = crm_usage_import(organisation_id=world.org.pk, fmt="hubspot-logins", text=text("hubspot_logins.csv"))
    assert (again.accepted, again.duplicate) == (0, 3)
    assert UsageEvent.objects.filter(user=world.rita, source="crm_export").count() == 2


@pytest.mark.django_db
def test_command_reads_any_csv_with_named_columns(world: World) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    out = io.StringIO()
    call_command("crm_usage_import", "--org", "Testorg", "--format", "csv", "--person-column", "who",
                 "--time-column", "when", "--type-column", "action", "--id-column", "event_id",
                 "--map", "Opened deal=record_viewed", str(FIXTURES / "generic.csv"), stdout=out)
    assert "accepted 3, duplicate 0, held 1, problems 0" in out.getvalue()
    kinds = sorted(UsageEvent.objects.filter(user=world.rita, source="crm_export").values_list("kind", flat=True))
    assert kinds == ["other", "other", "record_viewed"]
