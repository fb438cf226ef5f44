"""The kinds of usage event, and which of them are things a person gives (types in)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CALL_LOGGED = "call_logged", _("Call logged")
    MEETING_LOGGED = "meeting_logged", _("Meeting logged")
    EMAIL_LOGGED = "email_logged", _("E-mail logged")
    NOTE_LOGGED = "note_logged", _("Note logged")
    CASE_LOGGED = "case_logged", _("Case logged")
    DEAL_CREATED = "deal_created", _("Deal created")
    DEAL_STAGE_CHANGED = "deal_stage_changed", _("Deal stage changed")
    ACCOUNT_CREATED = "account_created", _("Account created")
    CAMPAIGN_LOGGED = "campaign_logged", _("Campaign logged")
    DEAL_ATTRIBUTED = "deal_attributed", _("Deal attributed to a campaign")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Suggestion accepted")
    SUGGESTION_DISMISSED = "suggestion_dismissed", _("Suggestion dismissed")
    DIGEST_OPENED = "digest_opened", _("Digest opened")
    CONTEXT_VIEWED = "context_viewed", _("Customer context viewed")
    REPORT_VIEWED = "report_viewed", _("Report viewed")
    KUDOS_GIVEN = "kudos_given", _("Kudos given")
    PULSE_ANSWERED = "pulse_answered", _("Pulse survey answered")
    LOGIN = "login", _("Logged in")
    # A CRM's own usage (integration keys and CRM log connectors).
    LOGOUT = "logout", _("Logged out")
    RECORD_VIEWED = "record_viewed", _("Record viewed")
    RECORD_CREATED = "record_created", _("Record created")
    RECORD_UPDATED = "record_updated", _("Record updated")
    LIST_VIEWED = "list_viewed", _("List viewed")
    SEARCH = "search", _("Search")
    API_CALL = "api_call", _("API call")
    OTHER = "other", _("Other")
    # A person took back an entry of their own (withdrawn, or replaced by a correction).
    ENTRY_WITHDRAWN = "entry_withdrawn", _("Entry withdrawn")


# Kinds that cost the person time to enter. Minutes per entry when no measurement exists
# (imports, API) and no Give-Get contract names an expected time for the kind.
GIVE_KIND_DEFAULT_MINUTES: dict[str, Decimal] = {
    EventKind.CALL_LOGGED: Decimal("2"),
    EventKind.MEETING_LOGGED: Decimal("5"),
    EventKind.EMAIL_LOGGED: Decimal("1"),
    EventKind.NOTE_LOGGED: Decimal("2"),
    EventKind.CASE_LOGGED: Decimal("3"),
    EventKind.DEAL_CREATED: Decimal("3"),
    EventKind.DEAL_STAGE_CHANGED: Decimal("1"),
    EventKind.ACCOUNT_CREATED: Decimal("3"),
    EventKind.CAMPAIGN_LOGGED: Decimal("5"),
    EventKind.DEAL_ATTRIBUTED: Decimal("1"),
    EventKind.PULSE_ANSWERED: Decimal("1"),
    # Records created or updated in the organisation's own CRM are entries too (DESIGN.md, Give).
    EventKind.RECORD_CREATED: Decimal("2"),
    EventKind.RECORD_UPDATED: Decimal("1"),
}

GIVE_KINDS: frozenset[str] = frozenset(GIVE_KIND_DEFAULT_MINUTES)

# Kinds that are a CRM entry: logging one makes a person a contributor (DESIGN.md, status).
# Answering a pulse costs minutes but is not contributing; neither is giving kudos.
CONTRIBUTION_KINDS: frozenset[str] = GIVE_KINDS - {EventKind.PULSE_ANSWERED}


class EventSource(models.TextChoices):
    APP = "app", _("In the app")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    CRM_EXPORT = "crm_export", _("CRM export")
    SYSTEM = "system", _("System")


# A withdrawal names the event it takes back through its idempotency key (unique per source),
# so "is this event withdrawn?" is one indexed lookup and an event is withdrawn at most once.
WITHDRAWAL_SOURCE = "app"
WITHDRAWAL_KEY_PREFIX = "withdraw:"


def withdrawal_key(event_id: int) -> str:
    """Return the idempotency key of the withdrawal of usage event `event_id`."""
    return f"{WITHDRAWAL_KEY_PREFIX}{event_id}"
