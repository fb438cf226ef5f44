"""Salesforce Event Monitoring EventLogFile CSV (several event types in one file). Pure parsing.

Columns as Salesforce writes them: EVENT_TYPE, TIMESTAMP (``20231218054831.655``, UTC),
TIMESTAMP_DERIVED (ISO 8601), USER_ID, USER_ID_DERIVED, USER_NAME, REQUEST_ID, DURATION and
EFFECTIVE_PAGE_TIME (milliseconds) where the type has them. Other columns are ignored.

A page that creates or edits a record (Lightning ``/lightning/o/Account/new``,
``/lightning/r/Account/001…/edit``; Classic ``/001/e``, ``/001…/e``) is a give, `record_created`
or `record_updated`, whose entry time is the row's DURATION, else its EFFECTIVE_PAGE_TIME.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import Parsed, ParsedEvent, csv_rows, entry_seconds_from_ms, row_hash
from apps.usage.kinds import GIVE_KINDS, EventKind
from apps.usage.validation import occurred_at_problem

FORMAT = "salesforce-elf"
# EVENT_TYPE → kind; any other type becomes `other` with the type kept in metadata.
MAPPING: dict[str, str] = {
    "Login": EventKind.LOGIN,
    "Logout": EventKind.LOGOUT,
    "LightningPageView": EventKind.RECORD_VIEWED,
    "LightningInteraction": EventKind.OTHER,
    "URI": EventKind.RECORD_VIEWED,
    "Report": EventKind.REPORT_VIEWED,
    "API": EventKind.API_CALL,
    "RestApi": EventKind.API_CALL,
    "AuraRequest": EventKind.API_CALL,
    "ApexCallout": EventKind.API_CALL,
}

# Page types whose page names a record form; what the page does decides the kind.
PAGE_TYPES = frozenset({"LightningPageView", "URI"})
_NEW_PAGE = re.compile(r"^/(?:lightning/o/\w+/new|[0-9A-Za-z]{3}/e)/?(?:[?#]|$)")
_EDIT_PAGE = re.compile(r"^/(?:lightning/r/\w+/[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?/edit|"
                        r"[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?/e)/?(?:[?#]|$)")
# What the lead reads on the connector's page next to MAPPING (patterns, the same in every language).
PAGE_RULES: dict[str, str] = {
    "LightningPageView, URI: /lightning/o/…/new, /001/e": EventKind.RECORD_CREATED,
    "LightningPageView, URI: /lightning/r/…/001…/edit, /001…/e": EventKind.RECORD_UPDATED,
}


def page_kind(event_type: str, page: str) -> str:
    """Return the kind of a row: a record form's page is a record created or updated, else MAPPING's."""
    if event_type in PAGE_TYPES and page:
        if _NEW_PAGE.match(page):
            return EventKind.RECORD_CREATED
        if _EDIT_PAGE.match(page):
            return EventKind.RECORD_UPDATED
    return MAPPING.get(event_type, EventKind.OTHER)


def parse_timestamp(derived: str, compact: str) -> dt.datetime:
    """Return the event's time from TIMESTAMP_DERIVED, else TIMESTAMP; raise ValueError if neither parses."""
    if derived:
        value = dt.datetime.fromisoformat(derived.replace("Z", "+00:00"))
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if compact:
        return dt.datetime.strptime(compact, "%Y%m%d%H%M%S.%f").replace(tzinfo=dt.UTC)
    raise ValueError("no time")


def parse(text: str, *, now: dt.datetime | None = None) -> Parsed:
    """Parse an EventLogFile CSV into events (identity = the Salesforce user id) and row problems."""
    result = Parsed()
    for number, row in csv_rows(text, result):
        event_type = row.get("EVENT_TYPE", "")
        user = row.get("USER_ID_DERIVED") or row.get("USER_ID") or row.get("USER_NAME", "")
        if not event_type or not user:
            result.problems.append((number, _("EVENT_TYPE and USER_ID (or USER_NAME) are required.")))
            continue
        try:
            occurred_at = parse_timestamp(row.get("TIMESTAMP_DERIVED", ""), row.get("TIMESTAMP", ""))
        except ValueError:
            result.problems.append((number, _("TIMESTAMP_DERIVED or TIMESTAMP is missing or not a time.")))
            continue
        if problem := occurred_at_problem(occurred_at, now=now):
            result.problems.append((number, problem))
            continue
        page = row.get("PAGE_URL_DERIVED") or row.get("PAGE_URL") or row.get("URI_DERIVED") or row.get("URI", "")
        kind = page_kind(event_type, page)
        metadata: dict[str, str] = {"event_type": event_type}
        for column, name in (("DURATION", "duration_ms"), ("EFFECTIVE_PAGE_TIME", "effective_page_time_ms"),
                             ("USER_NAME", "user_name"), ("REPORT_ID", "report_id"), ("DASHBOARD_ID", "dashboard_id"),
                             ("PAGE_URL", "page"), ("URI", "page")):
            value = row.get(f"{column}_DERIVED") or row.get(column)
            if value and name not in metadata:
                metadata[name] = value
        request_id = row.get("REQUEST_ID", "")
        key = f"{FORMAT}:{event_type}:{request_id}" if request_id else row_hash(FORMAT, row)
        result.events.append(ParsedEvent(
            row=number, identity_source=IdentitySource.SALESFORCE, external_id=user, kind=kind,
            occurred_at=occurred_at, idempotency_key=key, metadata=metadata,
            duration_seconds=entry_seconds_from_ms(row.get("DURATION", ""), row.get("EFFECTIVE_PAGE_TIME", ""))
            if kind in GIVE_KINDS else None,
        ))
    return result
