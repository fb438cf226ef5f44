"""Any other CRM's usage log as CSV: the lead names the person, time and type columns. Pure parsing.

Type values are mapped to kinds by a table the lead gives (value → kind); a value that is a kind
already needs no entry, and any other value becomes `other` with the original type kept, so no
row is rejected for its type.

A column with the time spent is optional. Unless the lead names one (or asks for none), the
column is guessed from the header (Duration, Seconds, Time spent, Varighed …, compared as
`header_named` compares them) with its unit taken from the name (ms, minutes), else seconds.
Values read are "90", "12.5", "1,5" (decimal comma) and "0:01:30" (h:mm:ss). On a give (a record
created or updated …) the time spent is the entry's measured time, `duration_seconds`, as the
Salesforce connector keeps DURATION; on any other kind it is kept in the metadata only, since it
is not the time of an entry. A row whose time spent is negative, unreadable or over a day is a
row problem; an empty cell is no measurement.
"""

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ApplicationError
from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import (
    Parsed,
    ParsedEvent,
    csv_header,
    csv_rows,
    header_named,
    normalised_header,
    parse_time,
    row_hash,
)
from apps.usage.kinds import GIVE_KINDS, EventKind
from apps.usage.services import MAX_TRUSTED_ENTRY_SECONDS
from apps.usage.validation import occurred_at_problem

FORMAT = "csv"


class DurationUnit(models.TextChoices):
    SECONDS = "s", gettext_lazy("seconds")
    MILLISECONDS = "ms", gettext_lazy("milliseconds")
    MINUTES = "min", gettext_lazy("minutes")


# Header names of a time-spent column, by the unit the name implies (English and Danish).
DURATION_HEADERS: dict[str, tuple[str, ...]] = {
    DurationUnit.SECONDS: (
        "Duration", "Duration seconds", "Duration (s)", "Duration (sec)", "Duration secs", "Seconds", "Secs",
        "Time spent", "Time spent (s)", "Time spent seconds", "Elapsed", "Elapsed seconds", "Elapsed time",
        "Varighed", "Varighed (s)", "Varighed (sek.)", "Varighed i sekunder", "Sekunder", "Tidsforbrug",
        "Tidsforbrug (sek.)", "Tid brugt", "Brugt tid",
    ),
    DurationUnit.MILLISECONDS: (
        "Duration ms", "Duration (ms)", "Duration milliseconds", "Milliseconds", "Run time", "Run time (ms)",
        "Time spent (ms)", "Elapsed ms", "Varighed (ms)", "Varighed i millisekunder", "Millisekunder",
    ),
    DurationUnit.MINUTES: (
        "Duration (min)", "Duration minutes", "Duration mins", "Minutes", "Mins", "Time spent (min)",
        "Time spent minutes", "Varighed (min)", "Varighed i minutter", "Minutter", "Tidsforbrug (min)",
        "Tid brugt (min)",
    ),
}
# A column the lead names ("Handle time (ms)", "call_minutes") says its unit at its end.
_UNIT_SUFFIXES = (
    (DurationUnit.MILLISECONDS, re.compile(r"(?:^|[^a-zæøå])(?:ms|msec|millisec\w*|millisekund\w*)\W*$")),
    (DurationUnit.MINUTES, re.compile(r"(?:^|[^a-zæøå])(?:min|mins|minut\w*)\W*$")),
)
_UNIT_SECONDS: dict[str, Decimal] = {DurationUnit.SECONDS: Decimal(1), DurationUnit.MILLISECONDS: Decimal("0.001"),
                 DurationUnit.MINUTES: Decimal(60)}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")  # "1 234" groups thousands with a (non-breaking) space
_CLOCK = re.compile(r"(\d+):([0-5]\d):([0-5]\d(?:[.,]\d+)?)")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class CsvOptions:
    person_column: str
    time_column: str
    type_column: str = ""
    id_column: str = ""
    identity_source: str = IdentitySource.CSV
    type_map: Mapping[str, str] = field(default_factory=dict)
    duration_column: str = ""  # "" reads no time spent
    duration_unit: str = DurationUnit.SECONDS


class DurationError(ValueError):
    """A time-spent cell that cannot be a measurement; the message names the value and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def unit_of_header(name: str) -> str:
    """Return the unit a time-spent column's name implies: milliseconds, minutes, else seconds."""
    key = normalised_header(name)
    for unit, aliases in DURATION_HEADERS.items():
        if key in {normalised_header(alias) for alias in aliases}:
            return unit
    folded = name.casefold().strip()
    return next((unit for unit, suffix in _UNIT_SUFFIXES if suffix.search(folded)), DurationUnit.SECONDS)


def duration_column_guess(headers: Sequence[str], *, taken: Collection[str] = ()) -> str:
    """Return the first header that names a time spent, among those not already chosen ("" if none)."""
    return header_named([h for h in headers if h not in taken],
                        *(alias for aliases in DURATION_HEADERS.values() for alias in aliases))


def _number(text: str) -> Decimal:
    """Read "12", "12.5", "1,5", "1.234,5", "1,234.5" or "1 234"; raise ValueError otherwise.

    One separator alone is the decimal point, whichever it is: a time spent is often written to
    the millisecond ("12.345" s), rarely in thousands of a unit. With both, the last is the
    decimal point and the other groups thousands.
    """
    text = _SPACES.sub("", text)
    if "." in text and "," in text:
        decimal_point = "." if text.rfind(".") > text.rfind(",") else ","
        grouping = "," if decimal_point == "." else "."
        if not re.fullmatch(rf"\d{{1,3}}(?:\{grouping}\d{{3}})*\{decimal_point}\d+", text):
            raise ValueError(text)
        return Decimal(text.replace(grouping, "").replace(decimal_point, "."))
    for separator in ".,":
        if text.count(separator) > 1:
            if not re.fullmatch(rf"\d{{1,3}}(?:\{separator}\d{{3}})+", text):
                raise ValueError(text)
            return Decimal(text.replace(separator, ""))
    if not _PLAIN.fullmatch(text):
        raise ValueError(text)
    return Decimal(text.replace(",", "."))


def duration_seconds(value: str, *, unit: str) -> int | None:
    """Return a time-spent cell as whole seconds (halves round up), or None for an empty cell.

    `unit` is what a plain number counts; an h:mm:ss clock is read as such whatever the unit.
    Raises DurationError for a negative, unreadable or over-a-day value.
    """
    text = value.strip()
    if not text:
        return None
    shown = text[:50]
    negative = text[0] in "-−"
    body = text[1:].strip() if negative else text
    try:
        if clock := _CLOCK.fullmatch(body):
            hours, minutes, seconds = clock.groups()
            amount = Decimal(hours) * 3600 + Decimal(minutes) * 60 + Decimal(seconds.replace(",", "."))
        else:
            amount = _number(body) * _UNIT_SECONDS[unit]
    except ValueError:
        raise DurationError(_("“%(value)s” is not a time spent: write e.g. 90, 12.5, 1,5 or h:mm:ss such as "
                              "0:01:30.")
                            % {"value": shown}) from None
    if negative and amount:
        raise DurationError(_("The time spent “%(value)s” is negative.") % {"value": shown})
    if amount > MAX_TRUSTED_ENTRY_SECONDS:  # compared before rounding: a 40-digit value stays a Decimal
        raise DurationError(_("The time spent “%(value)s” is more than a day (%(limit)d seconds); no entry "
                              "takes that long.") % {"value": shown, "limit": MAX_TRUSTED_ENTRY_SECONDS})
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def options_resolved(text: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Return `options` with the time-spent column and unit decided for this file.

    A named column must be in the header. With none named, one is guessed from the header unless
    `duration_guess` is false; the unit left empty is taken from the column's name. The result
    names the column and unit outright (`duration_guess` false), so reading the file again with
    it decides the same.
    """
    resolved = dict(options)
    headers = csv_header(text)
    column = str(options.get("duration_column") or "").strip()
    unit = str(options.get("duration_unit") or "")
    if unit and unit not in DurationUnit.values:
        raise ApplicationError(_("Choose the unit of the time spent among: %(units)s.")
                               % {"units": ", ".join(DurationUnit.values)})
    if column and column not in headers:
        raise ApplicationError(_("The file has no column “%(column)s”; its columns are: %(columns)s.")
                               % {"column": column[:50], "columns": ", ".join(h[:50] for h in headers[:30])})
    if not column and options.get("duration_guess", True):
        taken = {str(options.get(name) or "") for name in ("person_column", "time_column", "type_column", "id_column")}
        column = duration_column_guess(headers, taken=taken)
    resolved |= {"duration_column": column, "duration_unit": (unit or unit_of_header(column)) if column else "",
                 "duration_guess": False}
    return resolved


def parse(text: str, *, options: CsvOptions, now: dt.datetime | None = None) -> Parsed:
    result = Parsed()
    type_map = {value.casefold(): kind for value, kind in options.type_map.items()}
    for number, row in csv_rows(text, result):
        person, stamp = row.get(options.person_column, ""), row.get(options.time_column, "")
        if not person or not stamp:
            result.problems.append((number, _("The columns “%(person)s” and “%(time)s” are required.") % {
                "person": options.person_column, "time": options.time_column}))
            continue
        try:
            occurred_at = parse_time(stamp)
        except ValueError:
            result.problems.append((number, _("“%(value)s” is not a time.") % {"value": stamp[:50]}))
            continue
        if problem := occurred_at_problem(occurred_at, now=now):
            result.problems.append((number, problem))
            continue
        try:
            seconds = duration_seconds(row.get(options.duration_column, ""), unit=options.duration_unit) \
                if options.duration_column else None
        except DurationError as error:
            result.problems.append((number, error.message))
            continue
        original = row.get(options.type_column, "") if options.type_column else ""
        kind = type_map.get(original.casefold()) or (original if original in EventKind.values else EventKind.OTHER)
        metadata: dict[str, Any] = {"type": original} if original and kind == EventKind.OTHER else {}
        if seconds is not None and kind not in GIVE_KINDS:
            metadata["time_spent_seconds"] = seconds
        row_id = row.get(options.id_column, "") if options.id_column else ""
        result.events.append(ParsedEvent(
            row=number, identity_source=options.identity_source, external_id=person, kind=kind,
            occurred_at=occurred_at, idempotency_key=f"{FORMAT}:{row_id}" if row_id else row_hash(FORMAT, row),
            metadata=metadata, duration_seconds=seconds if kind in GIVE_KINDS else None,
        ))
    return result
