"""HubSpot account login history export: one row per login. Pure parsing.

HubSpot documents the columns as login timestamp, user e-mail address, IP address, location, type
of login and user agent; headers are matched without case or punctuation, so "Login timestamp",
"Login Timestamp" and "login_timestamp" all work. The identity is the user's e-mail.
"""

import datetime as dt

from django.utils.translation import gettext as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors.base import Parsed, ParsedEvent, column, csv_rows, parse_time, row_hash
from apps.usage.kinds import EventKind
from apps.usage.validation import occurred_at_problem

FORMAT = "hubspot-logins"
MAPPING = {"(every login type)": EventKind.LOGIN}
TIME = ("Login timestamp", "Timestamp", "Login time", "Date")
EMAIL = ("User email address", "User email", "Email address", "Email", "User")
KEPT = ((("Type of login", "Login type", "Type"), "login_type"), (("Location",), "location"),
        (("User agent",), "user_agent"))


def parse(text: str, *, now: dt.datetime | None = None) -> Parsed:
    result = Parsed()
    for number, row in csv_rows(text, result):
        email, stamp = column(row, *EMAIL), column(row, *TIME)
        if not email or not stamp:
            result.problems.append((number, _("The login timestamp and the user's e-mail address are required.")))
            continue
        try:
            occurred_at = parse_time(stamp)
        except ValueError:
            result.problems.append((number, _("The login timestamp is not a time.")))
            continue
        if problem := occurred_at_problem(occurred_at, now=now):
            result.problems.append((number, problem))
            continue
        # The IP address is personal data the tracker does not need: it is not kept.
        metadata = {name: value for headers, name in KEPT if (value := column(row, *headers))}
        identity_row = {"email": email.casefold(), "time": occurred_at.isoformat()}
        result.events.append(ParsedEvent(
            row=number, identity_source=IdentitySource.HUBSPOT, external_id=email, kind=EventKind.LOGIN,
            occurred_at=occurred_at, idempotency_key=row_hash(FORMAT, identity_row), metadata=metadata,
        ))
    return result
