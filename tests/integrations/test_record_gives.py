"""Records created or updated in the CRM are gives, timed by the log's own duration (capped per role).

Every figure below is worked out by hand from the fixture rows, not by the code under test.
"""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.core.periods import week_start
from apps.identities.services import external_identity_add
from apps.integrations.connectors import salesforce_elf
from apps.integrations.services import crm_usage_import, integration_key_create
from apps.scoring import services as scoring
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from tests import factories
from tests.conftest import World

FIXTURE = Path(__file__).parent / "fixtures" / "eventlogfile_records.csv"
MONDAY = week_start(dt.date(2026, 11, 16))


def test_record_pages_are_gives_timed_by_duration_else_page_time() -> None:
    parsed = salesforce_elf.parse(FIXTURE.read_text(), now=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    assert parsed.problems == []
    assert [(e.kind, e.duration_seconds) for e in parsed.events] == [
        (EventKind.RECORD_CREATED, 95),      # DURATION 95,000 ms
        (EventKind.RECORD_UPDATED, 1800),    # DURATION 1,800,000 ms (the role cap applies when scored)
        (EventKind.RECORD_UPDATED, 45),      # no DURATION: EFFECTIVE_PAGE_TIME 45,400 ms
        (EventKind.RECORD_CREATED, None),    # Classic new-record page without a measure
        (EventKind.RECORD_VIEWED, None),     # a view is no give: no entry time kept
        (EventKind.RECORD_UPDATED, None),    # 100,000,000 ms is over a day: no trusted measure
    ]


def snapshot_of(world: World) -> ScoreSnapshot:
    scoring.scores_compute(user_ids=[world.rita.pk], mondays=[MONDAY])
    return ScoreSnapshot.objects.get(user_id=world.rita.pk, period_start=MONDAY)


def give_lines(snapshot: ScoreSnapshot) -> dict[str, tuple[int, int, str]]:
    return {line["kind"]: (line["count"], line["measured"], line["minutes"])
            for line in snapshot.components["give"]}


@pytest.fixture
def capped_rep(world: World) -> World:
    role = world.roles["sales_rep"]
    role.entry_cap_seconds = 300
    role.save()
    factories.ContractFactory(role=role, give_kind=EventKind.RECORD_CREATED, give_expected_minutes=D("4"))
    return world


@pytest.mark.django_db
def test_event_log_file_records_score_their_own_capped_time(capped_rep: World) -> None:
    world = capped_rep
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="salesforce",
                          external_id="005000000000001")
    summary = crm_usage_import(organisation_id=world.org.pk, fmt="salesforce-elf", text=FIXTURE.read_text())
    assert summary.accepted == 6

    snapshot = snapshot_of(world)

    # record_created: 95 s measured + one unmeasured at the contract's 4 min = 95/60 + 4 = 5.583…
    # record_updated: min(1800, 300) + 45 = 345 s = 5.75 min, + one unmeasured at the default 1 min
    # record_viewed is no give.
    assert give_lines(snapshot) == {"record_created": (2, 1, "5.58"), "record_updated": (3, 2, "6.75")}
    assert snapshot.give_minutes == D("12.33")  # (95 + 300 + 45) / 60 + 4 + 1 = 12.333…


@pytest.mark.django_db
def test_api_records_score_their_duration_seconds(capped_rep: World) -> None:
    world = capped_rep
    secret = integration_key_create(organisation_id=world.org.pk, name="CRM", scopes=["events:write"])[1]

    def item(key: str, kind: str, **extra: Any) -> dict[str, Any]:
        return {"person": world.rita.pk, "kind": kind, "occurred_at": "2026-11-17T09:00:00Z",
                "idempotency_key": key, **extra}

    response = Client().post("/api/v1/events/", {"events": [
        item("a", "record_created", duration_seconds=95),
        item("b", "record_updated", duration_seconds=1800),
        item("c", "record_created"),
    ]}, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert response.json()["accepted"] == 3

    snapshot = snapshot_of(world)

    # 95/60 + 4 (contract) = 5.583…; min(1800, 300)/60 = 5; together 10.583…
    assert give_lines(snapshot) == {"record_created": (2, 1, "5.58"), "record_updated": (1, 1, "5.00")}
    assert snapshot.give_minutes == D("10.58")
