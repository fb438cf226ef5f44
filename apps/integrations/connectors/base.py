"""What every connector returns: events naming an identity, and problems per row."""

import csv
import datetime as dt
import hashlib
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from apps.core.spreadsheets import sniff_delimiter
from apps.usage.services import trusted_entry_seconds
from apps.usage.validation import text_problem


@dataclass(frozen=True)
class ParsedEvent:
    row: int
    identity_source: str
    external_id: str
    kind: str
    occurred_at: dt.datetime
    idempotency_key: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # The log's own measure of the entry's time, for gives (record created or updated); None otherwise.
    duration_seconds: int | None = None


@dataclass
class Parsed:
    events: list[ParsedEvent] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    skipped: int = 0  # rows that are not activity (a failed login)


def row_hash(fmt: str, values: dict[str, str]) -> str:
    """Return a stable key for a row without an id of its own (same row, same key)."""
    text = "\x1f".join(f"{k}={values[k]}" for k in sorted(values))
    return f"{fmt}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}"


# Cells longer than this are a row problem, not a crash (Python's csv default is 131,072).
MAX_CELL = 131_072


def normalised_header(name: str) -> str:
    """Compare column names without case, spaces or punctuation ("Login Timestamp" = "login_timestamp")."""
    return "".join(char for char in name.casefold() if char.isalnum())


def csv_rows(text: str, result: Parsed) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, stripped cells by column name); record unreadable rows as problems.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    csv.field_size_limit(MAX_CELL + 1)
    reader = csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text))
    # One look at the whole file; only a file holding a bad character has its cells looked at one by one.
    may_hold_bad_text = text_problem(text) is not None
    number = 1
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.problems.append((number, str(error)))
            continue
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None and isinstance(v, str)}
        if any(len(v) > MAX_CELL for v in row.values()) or (
                may_hold_bad_text and any(text_problem(v) for v in row.values())):
            result.problems.append((number, _("A cell is too long or holds NUL or unpaired surrogate characters.")))
            continue
        yield number, row


def entry_seconds_from_ms(*values: str) -> int | None:
    """Return the first of `values` (milliseconds, as a CRM log writes them) as whole seconds, or None.

    Empty or unreadable cells are skipped; a value that cannot be a real entry (negative, over a
    day) is no measurement at all, so the entry counts the contract's expected minutes instead.
    """
    for value in values:
        try:
            milliseconds = float(value)
        except ValueError:
            continue
        if not math.isfinite(milliseconds):
            continue
        return trusted_entry_seconds(round(milliseconds / 1000))
    return None


def column(row: dict[str, str], *aliases: str) -> str:
    """Return the first non-empty cell among columns whose normalised name is one of `aliases`."""
    wanted = {normalised_header(alias) for alias in aliases}
    for name, value in row.items():
        if value and normalised_header(name) in wanted:
            return value
    return ""


def header_named(headers: Iterable[str], *aliases: str) -> str:
    """Return the first of `headers` whose normalised name is one of `aliases` ("" when none is).

    The same comparison as `column`, made once on the header row: it guesses which column holds a
    value before any row is read.
    """
    wanted = {normalised_header(alias) for alias in aliases}
    return next((name for name in headers if normalised_header(name) in wanted), "")


def csv_header(text: str) -> list[str]:
    """Return the stripped column names of a CSV text's first row ([] when it has none)."""
    csv.field_size_limit(MAX_CELL + 1)
    try:
        first = next(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)), [])
    except csv.Error:
        return []
    return [name.strip() for name in first]


# A 12-hour clock with slashes is American (month first); a 24-hour clock with slashes is read
# day first, as Danish and other European exports write it.
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M %Z", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%b %d, %Y %I:%M %p", "%b %d, %Y %I:%M:%S %p", "%B %d, %Y %I:%M %p", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y",
)


def parse_time(value: str) -> dt.datetime:
    """Parse the times CRM exports write (ISO 8601 with Z or +0000, US and European forms); UTC when naive.

    Raises ValueError when nothing fits.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty")
    iso = text.replace("Z", "+00:00")
    if len(iso) > 5 and iso[-5] in "+-" and iso[-4:].isdigit():  # +0000 → +00:00
        iso = f"{iso[:-2]}:{iso[-2:]}"
    try:
        parsed = dt.datetime.fromisoformat(iso)
    except ValueError:
        for fmt in _TIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"not a time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
