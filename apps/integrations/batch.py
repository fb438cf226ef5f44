"""The checks of one event of a batch (POST /api/v1/events/), in plain Python.

`BatchEventSerializer` (apps/integrations/api.py) documents the item in the OpenAPI schema; this
module gives the answers it would give, message for message (DRF's own, translated, message
strings are used), without DRF's per-field machinery: validating a 1,000-event batch through a
serializer cost about 200 µs an event. tests/integrations/test_batch_validation.py compares the
two on valid and malformed items.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import ISO_8601, fields
from rest_framework.settings import api_settings
from rest_framework.utils import humanize_datetime
from rest_framework.utils.timezone import valid_datetime

from apps.identities.sources import IdentitySource
from apps.usage.kinds import EventKind
from apps.usage.validation import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_METADATA_DEPTH,
    MAX_PERSON_ID,
    OCCURRED_AT_RANGE,
    body_problem,
    idempotency_key_problem,
    metadata_size_problem,
    occurred_at_problem,
    text_problem,
)

PERSON_SHAPE = "person must be an id, an e-mail or {source, external_id}."
PERSON_KEYS = "person has only source and external_id."
UNKNOWN_FIELD = "Unknown field."
NOT_AN_OBJECT = "An event is a JSON object."
FIELDS = ("person", "kind", "occurred_at", "idempotency_key", "duration_seconds", "metadata")
MAX_DURATION_SECONDS = 86400
MAX_EXTERNAL_ID_LENGTH = 255

_FIELD_SET = frozenset(FIELDS)
_KINDS = frozenset(str(value) for value in EventKind.values)
_IDENTITY_SOURCES = frozenset(str(value) for value in IdentitySource.values)
_MISSING: Any = object()
# DRF's messages (lazy, so they are translated when an answer is made).
_REQUIRED = fields.Field.default_error_messages["required"]
_NULL = fields.Field.default_error_messages["null"]
_INVALID_CHOICE = fields.ChoiceField.default_error_messages["invalid_choice"]
_BLANK = fields.CharField.default_error_messages["blank"]
_NOT_A_STRING = fields.CharField.default_error_messages["invalid"]
_MAX_LENGTH = fields.CharField.default_error_messages["max_length"]
_NOT_AN_INTEGER = fields.IntegerField.default_error_messages["invalid"]
_MAX_VALUE = fields.IntegerField.default_error_messages["max_value"]
_MIN_VALUE = fields.IntegerField.default_error_messages["min_value"]
_STRING_TOO_LARGE = fields.IntegerField.default_error_messages["max_string_length"]
_NOT_A_DICT = fields.DictField.default_error_messages["not_a_dict"]
_BAD_DATETIME = fields.DateTimeField.default_error_messages["invalid"]
_MAKE_AWARE = fields.DateTimeField.default_error_messages["make_aware"]
_INTEGER_DECIMAL = re.compile(r"\.0*\s*$")  # "1.0" is an integer, "1.2" is not (as DRF reads it)


class _FieldError(Exception):
    """One field's answer: a list of messages, or messages by sub-field (a person's identity)."""

    def __init__(self, detail: list[str] | dict[str, list[str]]) -> None:
        super().__init__(detail)
        self.detail = detail


def _fail(message: Any, **values: Any) -> NoReturn:
    text = str(message)
    raise _FieldError([text.format(**values) if values else text])


def _choice(value: Any, choices: frozenset[str]) -> str:
    if value is _MISSING:
        _fail(_REQUIRED)
    if value is None:
        _fail(_NULL)
    if (key := str(value)) in choices:
        return key
    _fail(_INVALID_CHOICE, input=value)


def _text(value: Any, *, max_length: int, trim: bool) -> str:
    """A CharField without blanks. NUL bytes and surrogates never get here (`item_check` looks first)."""
    if value is _MISSING:
        _fail(_REQUIRED)
    if value == "" or (trim and str(value).strip() == ""):
        _fail(_BLANK)
    if value is None:
        _fail(_NULL)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        _fail(_NOT_A_STRING)
    text = str(value).strip() if trim else str(value)
    if len(text) > max_length:
        _fail(_MAX_LENGTH, max_length=max_length)
    return text


def _person(value: Any) -> int | str | dict[str, str]:
    if value is _MISSING:
        _fail(_REQUIRED)
    if value is None:
        _fail(_NULL)
    if isinstance(value, bool):
        _fail(PERSON_SHAPE)
    if isinstance(value, int):
        if not 1 <= value <= MAX_PERSON_ID:
            _fail(PERSON_SHAPE)
        return value
    if isinstance(value, str):
        problem = text_problem(value)
        if problem or "@" not in value:
            _fail(problem or PERSON_SHAPE)
        return value.strip()
    if isinstance(value, dict):
        if set(value) - {"source", "external_id"}:
            _fail(PERSON_KEYS)
        errors: dict[str, list[str]] = {}
        identity: dict[str, str] = {}
        for name, check in (
            ("source", lambda v: _choice(v, _IDENTITY_SOURCES)),
            ("external_id", lambda v: _text(v, max_length=MAX_EXTERNAL_ID_LENGTH, trim=True)),
        ):
            try:
                identity[name] = check(value.get(name, _MISSING))
            except _FieldError as error:
                errors[name] = error.detail  # type: ignore[assignment]
        if errors:
            raise _FieldError(errors)
        if problem := text_problem(identity["external_id"]):
            _fail(problem)
        return identity
    _fail(PERSON_SHAPE)


def _humanized_formats() -> str:
    return humanize_datetime.datetime_formats(api_settings.DATETIME_INPUT_FORMATS)


@dataclass(frozen=True)
class _Clock:
    """The current time zone and time, read once a batch (each read costs more than the check)."""

    zone: dt.tzinfo
    now: dt.datetime


def _aware(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """DRF's DateTimeField.enforce_timezone: aware times in the current zone; naive ones made so."""
    if timezone.is_aware(value):
        try:
            return value.astimezone(zone)
        except OverflowError:
            _fail(OCCURRED_AT_RANGE)
    made = timezone.make_aware(value, zone)
    if not valid_datetime(made):
        _fail(_MAKE_AWARE, timezone=zone)
    return made


def _occurred_at(value: Any, clock: _Clock) -> dt.datetime:
    if value is _MISSING:
        _fail(_REQUIRED)
    if value is None:
        _fail(_NULL)
    for input_format in api_settings.DATETIME_INPUT_FORMATS:
        try:
            if input_format.lower() == ISO_8601:
                parsed = parse_datetime(value)
                if parsed is not None:
                    return _checked_time(_aware(parsed, clock.zone), clock.now)
            return _checked_time(_aware(dt.datetime.strptime(value, input_format), clock.zone), clock.now)
        except (ValueError, TypeError):
            continue
    _fail(_BAD_DATETIME, format=_humanized_formats())


def _checked_time(value: dt.datetime, now: dt.datetime) -> dt.datetime:
    if problem := occurred_at_problem(value, now=now):
        raise _FieldError([problem])
    return value


def _idempotency_key(value: Any) -> str:
    key = _text(value, max_length=MAX_IDEMPOTENCY_KEY_LENGTH, trim=False)
    if problem := idempotency_key_problem(key):
        _fail(problem)
    return key


def _duration(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) > fields.IntegerField.MAX_STRING_LENGTH:
        _fail(_STRING_TOO_LARGE)
    try:
        seconds = int(_INTEGER_DECIMAL.sub("", str(value)))
    except (ValueError, TypeError):
        _fail(_NOT_AN_INTEGER)
    if seconds > MAX_DURATION_SECONDS:
        _fail(_MAX_VALUE, max_value=MAX_DURATION_SECONDS)
    if seconds < 0:
        _fail(_MIN_VALUE, min_value=0)
    return seconds


def _metadata(value: Any) -> dict[str, Any]:
    if value is _MISSING:
        return {}
    if value is None:
        _fail(_NULL)
    if not isinstance(value, dict):
        _fail(_NOT_A_DICT, input_type=type(value).__name__)
    metadata = {str(k): v for k, v in value.items()}
    # `item_check` has walked the event (metadata included, to the same depth) before any field.
    if problem := metadata_size_problem(metadata):
        _fail(problem)
    return metadata


def batch_clock() -> _Clock:
    """Return the zone and time `item_check` compares with: read it once for a whole batch."""
    return _Clock(zone=timezone.get_current_timezone(), now=timezone.now())


def item_check(
    raw: Any, *, index: int, clock: _Clock | None = None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Return (item, None) for an event the log can hold, or (None, reason) with why not, field by field.

    The item has `index`, person, kind, occurred_at, idempotency_key, metadata, and
    duration_seconds when sent. The reason is what the answer shows for the event.
    """
    clock = clock or batch_clock()
    if (bad := body_problem(raw, max_depth=MAX_METADATA_DEPTH + 1, at=("events", index))) is not None:
        path, message = bad
        field = path[0] if path and isinstance(path[0], str) and path[0] in _FIELD_SET else "detail"
        return None, {field: [message]}
    if not isinstance(raw, Mapping):
        return None, {"detail": [NOT_AN_OBJECT]}
    if unknown := sorted(set(raw) - _FIELD_SET):
        return None, {name: [UNKNOWN_FIELD] for name in unknown}
    item: dict[str, Any] = {"index": index}
    errors: dict[str, Any] = {}
    for name, check in (("person", _person), ("kind", lambda v: _choice(v, _KINDS)),
                        ("occurred_at", lambda v: _occurred_at(v, clock)), ("idempotency_key", _idempotency_key)):
        try:
            item[name] = check(raw.get(name, _MISSING))
        except _FieldError as error:
            errors[name] = error.detail
    if "duration_seconds" in raw:
        try:
            item["duration_seconds"] = _duration(raw["duration_seconds"])
        except _FieldError as error:
            errors["duration_seconds"] = error.detail
    try:
        item["metadata"] = _metadata(raw.get("metadata", _MISSING))
    except _FieldError as error:
        errors["metadata"] = error.detail
    if errors:
        return None, errors
    return item, None
