"""The batch endpoint's plain checks answer every event exactly as the DRF serializer would.

The reference is the serializer path the endpoint used before (BatchEventSerializer after the
body walk), kept here: for each input both give the same item or the same reason, message for
message, in English and in Danish.
"""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from apps.integrations.api import BatchEventSerializer
from apps.integrations.batch import item_check
from apps.usage.api import problem_response
from apps.usage.validation import MAX_METADATA_DEPTH, body_problem

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
VALID: dict[str, Any] = {"person": 42, "kind": "login", "occurred_at": NOW, "idempotency_key": "k1"}


def serializer_answer(raw: Any, index: int) -> tuple[dict[str, Any] | None, Any]:
    validator = BatchEventSerializer()
    if (bad := body_problem(raw, max_depth=MAX_METADATA_DEPTH + 1, at=("events", index))) is not None:
        return None, problem_response(bad[0], bad[1], validator.fields)
    if not isinstance(raw, dict):
        return None, {"detail": ["An event is a JSON object."]}
    try:
        return {"index": index, **validator.run_validation(raw)}, None
    except serializers.ValidationError as error:
        return None, json.loads(json.dumps(serializers.as_serializer_error(error)))


def assert_same(raw: Any, index: int = 3) -> None:
    expected_item, expected_reason = serializer_answer(raw, index)
    item, reason = item_check(raw, index=index)
    assert reason == expected_reason, raw
    assert item == expected_item, raw
    if item is not None and expected_item is not None:
        assert item["occurred_at"].utcoffset() == expected_item["occurred_at"].utcoffset()
        assert list(item) == ["index", *[k for k in expected_item if k != "index"]]


def with_(**changes: Any) -> dict[str, Any]:
    out = {**VALID, **changes}
    return {k: v for k, v in out.items() if v is not DROP}


DROP = object()
CASES: list[Any] = [
    VALID,
    with_(person=" rita@example.com "), with_(person={"source": "salesforce", "external_id": " 005A "}),
    with_(person={"source": "salesforce", "external_id": 123}), with_(duration_seconds=5),
    with_(duration_seconds="5"), with_(duration_seconds=5.0), with_(duration_seconds="7.00 "),
    with_(duration_seconds=None), with_(metadata={}), with_(metadata={"a": [1, {"b": None}]}),
    with_(idempotency_key=5), with_(idempotency_key=1.5), with_(idempotency_key="   "),
    with_(occurred_at="2026-11-30T09:00:00"), with_(occurred_at="2026-11-30T09:00:00+14:00"),
    with_(occurred_at="2026-11-30 09:00"), with_(kind="record_created"),
    # Missing and null fields.
    *[with_(**{name: DROP}) for name in VALID], *[with_(**{name: None}) for name in VALID],
    with_(metadata=None), {},
    # Wrong values, one field at a time.
    with_(person=True), with_(person=0), with_(person=-1), with_(person=2**63), with_(person="nobody"),
    with_(person=""), with_(person=[]), with_(person=1.5), with_(person={"source": "x"}),
    with_(person={"source": "salesforce"}), with_(person={"external_id": "  "}),
    with_(person={"source": "salesforce", "external_id": "x" * 256}),
    with_(person={"source": "salesforce", "external_id": None}),
    with_(person={"source": "salesforce", "external_id": True}),
    with_(person={"source": "salesforce", "external_id": "1", "extra": 1}),
    with_(kind=5), with_(kind=True), with_(kind=""), with_(kind=["login"]), with_(kind="teleport"),
    with_(kind={"a": 1}),
    with_(occurred_at=""), with_(occurred_at="iso-8601"), with_(occurred_at=5), with_(occurred_at=[]),
    with_(occurred_at="2026-13-01T00:00:00Z"), with_(occurred_at="1999-01-01T00:00:00Z"),
    with_(occurred_at="2026-03-29T02:30:00"), with_(occurred_at="2026-10-25T02:30:00"),
    with_(occurred_at="9999-12-31T23:59:59-14:00"), with_(occurred_at="0001-01-01T00:00:00+14:00"),
    with_(occurred_at="2126-01-01T00:00:00Z"), with_(occurred_at="2026-11-30"),
    with_(idempotency_key=""), with_(idempotency_key=True), with_(idempotency_key=[]),
    with_(idempotency_key="x" * 201), with_(idempotency_key="x" * 200), with_(idempotency_key={"a": 1}),
    with_(duration_seconds=-1), with_(duration_seconds=86401), with_(duration_seconds="abc"),
    with_(duration_seconds="1.5"), with_(duration_seconds=True), with_(duration_seconds="9" * 1001),
    with_(duration_seconds=[]), with_(duration_seconds={}), with_(duration_seconds=""),
    with_(duration_seconds=10**30),
    with_(metadata=[]), with_(metadata="x"), with_(metadata=5), with_(metadata={"a": "x" * 17_000}),
    # Several problems at once, unknown fields, bad characters, non-objects.
    {"person": None, "kind": "teleport", "occurred_at": "x", "idempotency_key": "", "duration_seconds": -5,
     "metadata": []},
    with_(user=5), with_(user=5, zzz=1, kind="teleport"), with_(metadata={"a\x00": 1}),
    with_(idempotency_key="a\ud800"), with_(person="a\x00@x"), with_(**{"b\x00ad": 1}),
    with_(metadata={"a": 1e308 * 10}), "x", None, 5, [], [VALID],
]


@pytest.mark.parametrize("raw", CASES, ids=range(len(CASES)))
def test_plain_checks_answer_as_the_serializer(raw: Any) -> None:
    assert_same(raw)


@pytest.mark.parametrize("raw", [CASES[0], CASES[30], CASES[40], with_(duration_seconds=-1), with_(metadata=[])])
def test_plain_checks_answer_as_the_serializer_in_danish(raw: Any) -> None:
    with translation.override("da"):
        assert_same(raw)


SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=12), st.sampled_from(["", " ", "login", "salesforce", "2026-11-30T09:00:00Z",
                                                          "a@b", "5", "5.0"]))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.sampled_from(
                                                         ["source", "external_id", "a", "person"]), inner,
                                                         max_size=3)), max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.dictionaries(st.sampled_from([*VALID, "duration_seconds", "metadata", "user"]), VALUE, max_size=7),
       st.booleans())
def test_plain_checks_answer_as_the_serializer_for_any_input(changes: dict[str, Any], start_valid: bool) -> None:
    assert_same({**VALID, **changes} if start_valid else changes)
