"""Salesforce LightningUsageByPageMetrics export: daily page views per user and page. Pure parsing.

Columns: MetricsDate, UserId, PageName, TotalCount, SumEPT (effective page time, ms). Each row is
one day's aggregate, so it becomes one `record_viewed` event at noon UTC of that day carrying the
count and the page time; re-importing the same day and page replaces nothing and adds nothing.
"""

import datetime as dt

from django.utils.translation import gettext as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import Parsed, ParsedEvent, column, csv_rows, parse_time
from apps.usage.kinds import EventKind
from apps.usage.validation import occurred_at_problem

FORMAT = "salesforce-lightning-usage"
MAPPING = {"(any page)": EventKind.RECORD_VIEWED}


def parse(text: str, *, now: dt.datetime | None = None) -> Parsed:
    result = Parsed()
    for number, row in csv_rows(text, result):
        user, day, page = column(row, "UserId"), column(row, "MetricsDate"), column(row, "PageName")
        if not user or not day:
            result.problems.append((number, _("UserId and MetricsDate are required.")))
            continue
        try:
            date = parse_time(day).date()
            count = int(column(row, "TotalCount") or "1")
            page_time_ms = int(float(column(row, "SumEPT") or "0"))
        except ValueError:
            result.problems.append((number, _("MetricsDate must be a date and TotalCount and SumEPT numbers.")))
            continue
        if count <= 0:
            result.skipped += 1  # a day without views is not activity
            continue
        occurred_at = dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC)
        if problem := occurred_at_problem(occurred_at, now=now):
            result.problems.append((number, problem))
            continue
        result.events.append(ParsedEvent(
            row=number, identity_source=IdentitySource.SALESFORCE, external_id=user, kind=EventKind.RECORD_VIEWED,
            occurred_at=occurred_at, idempotency_key=f"{FORMAT}:{user}:{date.isoformat()}:{page}",
            metadata={"page_name": page, "daily_count": count, "effective_page_time_ms": page_time_ms,
                      "aggregate": "daily"},
        ))
    return result
