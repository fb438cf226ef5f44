"""Checks on event input shared by both event endpoints: what PostgreSQL or the log cannot hold.

Pure functions; each returns a message safe to show, or None when the value is fine.
"""

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_OCCURRED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Clocks drift and time zones differ; more than a day ahead is not a real event.
FUTURE_TOLERANCE = dt.timedelta(days=1)
MAX_METADATA_BYTES = 16 * 1024
MAX_IDEMPOTENCY_KEY_LENGTH = 200


def _bad_character(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [*_strings_in(key), *_strings_in(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return []


def text_problem(value: str) -> str | None:
    """Return why a string cannot be stored (NUL byte, lone surrogate), or None."""
    if _bad_character(value):
        return _("Text may not contain NUL bytes or unpaired surrogate characters.")
    return None


def occurred_at_problem(value: dt.datetime, *, now: dt.datetime | None = None) -> str | None:
    """Return why a time cannot be an event's time (before 2000, more than a day ahead), or None."""
    latest = (now or timezone.now()) + FUTURE_TOLERANCE
    if value < EARLIEST_OCCURRED_AT or value > latest:
        return _("occurred_at must lie between 2000-01-01 and one day from now.")
    return None


def idempotency_key_problem(value: str) -> str | None:
    """Return why an idempotency key is unusable (empty, too long, bad characters), or None."""
    if not value:
        return _("idempotency_key may not be empty.")
    if len(value) > MAX_IDEMPOTENCY_KEY_LENGTH:
        return _("idempotency_key has at most %(limit)d characters.") % {"limit": MAX_IDEMPOTENCY_KEY_LENGTH}
    return text_problem(value)


def metadata_problem(value: Any) -> str | None:
    """Return why metadata cannot be stored (not an object, bad characters, over 16 KB), or None."""
    if not isinstance(value, dict):
        return _("metadata must be a JSON object.")
    if any(_bad_character(text) for text in _strings_in(value)):
        return _("metadata may not contain NUL bytes or unpaired surrogate characters.")
    if len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")) > MAX_METADATA_BYTES:
        return _("metadata is larger than %(limit)d KB.") % {"limit": MAX_METADATA_BYTES // 1024}
    return None
