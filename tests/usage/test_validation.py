"""The event-input checks both event endpoints share."""

import datetime as dt

import pytest

from apps.usage.validation import idempotency_key_problem, metadata_problem, occurred_at_problem, text_problem
from tests.conftest import World

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def test_nul_and_lone_surrogates_are_refused_in_text() -> None:
    assert text_problem("a\x00b") is not None
    assert text_problem("a\ud800b") is not None
    assert text_problem("Åse 😀") is None


def test_occurred_at_lies_between_2000_and_one_day_ahead() -> None:
    assert occurred_at_problem(dt.datetime(1999, 12, 31, 23, 59, tzinfo=dt.UTC), now=NOW) is not None
    assert occurred_at_problem(dt.datetime(2000, 1, 1, tzinfo=dt.UTC), now=NOW) is None
    assert occurred_at_problem(NOW + dt.timedelta(days=1), now=NOW) is None
    assert occurred_at_problem(NOW + dt.timedelta(days=1, seconds=1), now=NOW) is not None


def test_idempotency_key_has_at_most_200_characters() -> None:
    assert idempotency_key_problem("k" * 200) is None
    assert idempotency_key_problem("k" * 201) is not None
    assert idempotency_key_problem("") is not None


def test_metadata_is_an_object_without_bad_characters_under_16_kb() -> None:
    assert metadata_problem({"a": ["b", {"c": "d"}]}) is None
    assert metadata_problem([1]) is not None
    assert metadata_problem({"a": {"b": "\x00"}}) is not None
    assert metadata_problem({"\ud800": 1}) is not None
    assert metadata_problem({"a": "x" * (16 * 1024 - 9)}) is None  # {"a": "…"} is 8 bytes + the text
    assert metadata_problem({"a": "x" * (16 * 1024)}) is not None


@pytest.mark.django_db
def test_browser_endpoint_refuses_metadata_with_nul(world: World) -> None:
    response = world.client_for(world.rita).post(
        "/api/events/",
        {"kind": "login", "occurred_at": "2026-11-30T09:00:00Z", "idempotency_key": "k1", "metadata": {"x": "a\x00"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "metadata" in response.json()
