"""Checks on event input shared by both event endpoints: what PostgreSQL or the log cannot hold.

Pure functions; each returns a message safe to show, or None when the value is fine. Messages
never repeat a bad character back (a lone surrogate cannot even be encoded as UTF-8): where a
location names one, it is written as a \\uXXXX escape.
"""

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EARLIEST_OCCURRED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Clocks drift and time zones differ; more than a day ahead is not a real event.
FUTURE_TOLERANCE = dt.timedelta(days=1)
MAX_METADATA_BYTES = 16 * 1024
# Levels of objects/arrays inside metadata ({"a": {"b": 1}} is 2). Deeper input is refused
# before any recursive code (serialisers, json.dumps, the database driver) sees it.
MAX_METADATA_DEPTH = 10
# A whole request body nested deeper than this is refused outright (a batch's envelope and
# events add a few levels to their metadata's); within it, each event is checked on its own.
MAX_BODY_DEPTH = 32
# What a client may send as idempotency_key: exactly the limit the schema states. The stored key
# carries a namespace prefix; a key that no longer fits with it is hashed (never cut: two cut
# keys could collide), so every key up to this length is accepted.
MAX_IDEMPOTENCY_KEY_LENGTH = 200
STORED_KEY_LENGTH = 200
# The largest primary key a person can have (a 64-bit integer column).
MAX_PERSON_ID = 2**63 - 1

METADATA_HELP = (
    f"A JSON object of at most {MAX_METADATA_BYTES // 1024} KB serialised as UTF-8 and at most "
    f"{MAX_METADATA_DEPTH} levels deep; no NUL bytes or unpaired surrogates in keys or values; "
    "numbers finite."
)
OCCURRED_AT_HELP = "ISO 8601 with a time zone; between 2000-01-01T00:00:00Z and one day from now."
IDEMPOTENCY_KEY_HELP = (
    f"1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters, no NUL bytes or unpaired surrogates; sending the same key "
    "again returns the first event."
)


# The one answer for a time outside the range, or one no calendar can hold.
OCCURRED_AT_RANGE = gettext_lazy("occurred_at must lie between 2000-01-01 and one day from now.")


# A NUL byte or a lone surrogate (a str can hold one; UTF-8 and PostgreSQL cannot).
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _bad_character(text: str) -> bool:
    return _BAD_CHARACTER.search(text) is not None


def _clean(value: Any, *, max_depth: int) -> bool:
    """Return True when `_walk` would find nothing: the quick look every valid body gets (no paths kept)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    search = _BAD_CHARACTER.search
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if search(item) is not None:
                return False
        elif isinstance(item, dict):
            if depth >= max_depth:
                return False
            for key, child in item.items():
                if isinstance(key, str) and search(key) is not None:
                    return False
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth >= max_depth:
                return False
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, float) and not math.isfinite(item):
            return False
    return True


def _escaped(text: str) -> str:
    """Return `text` with NUL bytes and surrogates written as \\uXXXX, so it can be shown."""
    return "".join(f"\\u{ord(c):04x}" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def location_of(path: tuple[str | int, ...]) -> str:
    """Return a readable location such as `events[3].metadata.note` for a path of keys and indexes."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{_escaped(part)}" if out else _escaped(part))
    return out


def _walk(value: Any, *, max_depth: int) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Yield (problem, path) for every bad key, string or number and for nesting past `max_depth`.

    Iterative, so no input can exhaust the stack.
    """
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(value, (), 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= max_depth:
                yield "depth", path
                continue
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in reversed(list(children)):
                if isinstance(key, str) and _bad_character(key):
                    yield "text", (*path, key)
                    continue
                stack.append((child, (*path, key), depth + 1))
        elif isinstance(item, str):
            if _bad_character(item):
                yield "text", path
        elif isinstance(item, float) and not math.isfinite(item):
            yield "number", path


def _message(problem: str, path: tuple[str | int, ...]) -> str:
    where = location_of(path) or _("the body")
    if problem == "text":
        return _("Text may not contain NUL bytes or unpaired surrogate characters (at %(where)s).") % {"where": where}
    if problem == "number":
        return _("Numbers must be finite (at %(where)s).") % {"where": where}
    return _("Nested too deeply (at %(where)s).") % {"where": where}


def body_problem(
    value: Any, *, max_depth: int, at: tuple[str | int, ...] = ()
) -> tuple[tuple[str | int, ...], str] | None:
    """Return (path, message) for the first thing in a request body we cannot store, or None.

    Checks every key and string anywhere (NUL bytes, lone surrogates), every number (finite)
    and the nesting depth, before any serialiser echoes a value back or recurses into it.
    `at` is where `value` sits in the body, for the message.
    """
    if _clean(value, max_depth=max_depth):
        return None
    for problem, path in _walk(value, max_depth=max_depth):
        return path, _message(problem, (*at, *path))
    return None


def depth_problem(value: Any, *, max_depth: int) -> str | None:
    """Return why `value` is nested too deeply (with where), or None; iterative, checks nothing else."""
    if _depth_within(value, max_depth=max_depth):
        return None
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict | list):
            if len(path) >= max_depth:
                return _message("depth", path)
            children = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((child, (*path, key if isinstance(key, int) else str(key))) for key, child in children)
    return None


def _depth_within(value: Any, *, max_depth: int) -> bool:
    """Return True when no container in `value` sits `max_depth` levels deep (no paths kept)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= max_depth:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def text_problem(value: str) -> str | None:
    """Return why a string cannot be stored (NUL byte, lone surrogate), or None."""
    if _bad_character(value):
        return _("Text may not contain NUL bytes or unpaired surrogate characters.")
    return None


def occurred_at_problem(value: dt.datetime, *, now: dt.datetime | None = None) -> str | None:
    """Return why a time cannot be an event's time (before 2000, more than a day ahead), or None."""
    latest = (now or timezone.now()) + FUTURE_TOLERANCE
    if value < EARLIEST_OCCURRED_AT or value > latest:
        return str(OCCURRED_AT_RANGE)
    return None


def idempotency_key_problem(value: str) -> str | None:
    """Return why an idempotency key is unusable (empty, too long, bad characters), or None."""
    if not value:
        return _("idempotency_key may not be empty.")
    if len(value) > MAX_IDEMPOTENCY_KEY_LENGTH:
        return _("idempotency_key has at most %(limit)d characters.") % {"limit": MAX_IDEMPOTENCY_KEY_LENGTH}
    return text_problem(value)


def scoped_idempotency_key(prefix: str, key: str) -> str:
    """Return the stored key: `prefix` + `key`, or `prefix` + a SHA-256 of the key when that is too long."""
    scoped = f"{prefix}{key}"
    if len(scoped) <= STORED_KEY_LENGTH:
        return scoped
    return f"{prefix}sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def metadata_problem(value: Any) -> str | None:
    """Return why metadata cannot be stored (not an object, bad characters, too deep, over 16 KB), or None."""
    if not isinstance(value, dict):
        return _("metadata must be a JSON object.")
    found = body_problem(value, max_depth=MAX_METADATA_DEPTH, at=("metadata",))
    if found is not None:
        return found[1]
    return metadata_size_problem(value)


def metadata_size_problem(value: dict[str, Any]) -> str | None:
    """Return why metadata whose content is known to be fine (`body_problem`) is too large, or None."""
    if len(json.dumps(value, ensure_ascii=False).encode("utf-8")) > MAX_METADATA_BYTES:
        return _("metadata is larger than %(limit)d KB.") % {"limit": MAX_METADATA_BYTES // 1024}
    return None

