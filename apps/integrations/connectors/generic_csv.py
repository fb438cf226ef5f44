"""Any other CRM's usage log as CSV: the lead names the person, time and type columns. Pure parsing.

Type values are mapped to kinds by a table the lead gives (value → kind); a value that is a kind
already needs no entry, and any other value becomes `other` with the original type kept, so no
row is rejected for its type.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import Parsed, ParsedEvent, csv_rows, parse_time, row_hash
from apps.usage.kinds import EventKind
from apps.usage.validation import occurred_at_problem

FORMAT = "csv"


@dataclass(frozen=True)
class CsvOptions:
    person_column: str
    time_column: str
    type_column: str = ""
    id_column: str = ""
    identity_source: str = IdentitySource.CSV
    type_map: Mapping[str, str] = field(default_factory=dict)


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
        original = row.get(options.type_column, "") if options.type_column else ""
        kind = type_map.get(original.casefold()) or (original if original in EventKind.values else EventKind.OTHER)
        metadata = {"type": original} if original and kind == EventKind.OTHER else {}
        row_id = row.get(options.id_column, "") if options.id_column else ""
        result.events.append(ParsedEvent(
            row=number, identity_source=options.identity_source, external_id=person, kind=kind,
            occurred_at=occurred_at, idempotency_key=f"{FORMAT}:{row_id}" if row_id else row_hash(FORMAT, row),
            metadata=metadata,
        ))
    return result
