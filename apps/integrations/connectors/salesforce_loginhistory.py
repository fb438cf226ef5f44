"""Salesforce LoginHistory export (Data Loader or a report): one row per login attempt. Pure parsing.

Columns: Id (optional), UserId, LoginTime, LoginType, Status, Application, Browser, Platform.
Only successful logins are activity; failed attempts are counted as skipped, not as problems.
"""

import datetime as dt

from django.utils.translation import gettext as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import Parsed, ParsedEvent, column, csv_rows, parse_time, row_hash
from apps.usage.kinds import EventKind
from apps.usage.validation import occurred_at_problem

FORMAT = "salesforce-loginhistory"
MAPPING = {"Success": EventKind.LOGIN}
KEPT = (("LoginType", "login_type"), ("Application", "application"), ("Browser", "browser"),
        ("Platform", "platform"))


def parse(text: str, *, now: dt.datetime | None = None) -> Parsed:
    result = Parsed()
    for number, row in csv_rows(text, result):
        user, login_time = column(row, "UserId", "User ID"), column(row, "LoginTime", "Login Time")
        if not user or not login_time:
            result.problems.append((number, _("UserId and LoginTime are required.")))
            continue
        status = column(row, "Status")
        if status and status.casefold() != "success":
            result.skipped += 1  # a failed login is not use of the CRM
            continue
        try:
            occurred_at = parse_time(login_time)
        except ValueError:
            result.problems.append((number, _("LoginTime is not a time.")))
            continue
        if problem := occurred_at_problem(occurred_at, now=now):
            result.problems.append((number, problem))
            continue
        metadata = {name: value for header, name in KEPT if (value := column(row, header))}
        row_id = column(row, "Id")
        result.events.append(ParsedEvent(
            row=number, identity_source=IdentitySource.SALESFORCE, external_id=user, kind=EventKind.LOGIN,
            occurred_at=occurred_at, idempotency_key=f"{FORMAT}:{row_id}" if row_id else row_hash(FORMAT, row),
            metadata=metadata,
        ))
    return result
