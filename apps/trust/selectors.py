"""Reading what the trust pages show: looks at a person's data, and everything stored about them."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.activities.models import Activity, Deal
from apps.givegets.models import Delivery
from apps.pulse.models import PulseResponse
from apps.quickwins.models import QuickWinResult
from apps.roles.history import HistoryChange, HistoryLine, HistoryQuery
from apps.roles.models import Membership, TeamMember
from apps.scoring.models import ScoreSnapshot
from apps.suggestions.models import Suggestion
from apps.trust.models import AccessRecord, AuditEntry, DataUseStatement
from apps.usage.models import UsageEvent

User = get_user_model()


def who_looked_at(*, subject_id: int, limit: int = 20) -> QuerySet[AccessRecord]:
    """Return the latest looks at this person's data, newest first."""
    return AccessRecord.objects.filter(subject_id=subject_id).select_related("viewer")[:limit]


def charter(*, organisation_id: int) -> QuerySet[DataUseStatement]:
    """Return the organisation's data-use statements in their display order."""
    return DataUseStatement.objects.filter(organisation_id=organisation_id).order_by("order", "category")


# (table name, queryset builder for one person, fields) – one entry per kind of personal data.
# Related names are spelled out so the export reads without looking up ids elsewhere.
EXPORT_TABLES: list[tuple[str, Any, list[str]]] = [
    ("profile", lambda uid: User.objects.filter(pk=uid),
     ["id", "username", "first_name", "last_name", "email", "date_joined", "last_login"]),
    ("membership", lambda uid: Membership.objects.filter(user_id=uid),
     ["organisation__name", "role__name", "role__kind", "go_live_on"]),
    ("teams", lambda uid: TeamMember.objects.filter(user_id=uid).order_by("team__name"),
     ["team__name", "is_manager", "is_ambassador"]),
    ("activities", lambda uid: Activity.objects.filter(owner_id=uid).order_by("occurred_at", "pk"),
     ["id", "type", "account__name", "deal__name", "summary", "occurred_at", "entry_seconds", "created_at"]),
    ("deals", lambda uid: Deal.objects.filter(owner_id=uid).order_by("engaged_on", "pk"),
     ["id", "name", "account__name", "amount", "stage__name", "stage_entered_at", "engaged_on", "closed_on",
      "last_activity_at"]),
    ("usage_events", lambda uid: UsageEvent.objects.filter(user_id=uid).order_by("occurred_at", "pk"),
     ["id", "kind", "occurred_at", "duration_seconds", "source", "metadata", "recorded_at"]),
    ("deliveries", lambda uid: Delivery.objects.filter(user_id=uid).order_by("delivered_at", "pk"),
     ["id", "kind", "value_minutes", "delivered_at", "consumed_at", "metadata"]),
    ("suggestions", lambda uid: Suggestion.objects.filter(user_id=uid).order_by("created_at", "pk"),
     ["id", "rule", "text", "reason", "created_at", "status", "decided_at"]),
    ("pulse_responses", lambda uid: PulseResponse.objects.filter(user_id=uid).order_by("answered_at", "pk"),
     ["id", "answered_at", "perceived_usefulness", "perceived_ease_of_use", "answers"]),
    ("score_snapshots", lambda uid: ScoreSnapshot.objects.filter(user_id=uid).order_by("period_start"),
     ["period_start", "give_minutes", "get_minutes", "rolling_give_minutes", "rolling_get_minutes",
      "net_minutes", "nb_index", "score", "pulse_usefulness", "pulse_ease_of_use", "status", "components",
      "is_closed", "computed_at"]),
    ("quick_win_results", lambda uid: QuickWinResult.objects.filter(user_id=uid).order_by("due_on", "pk"),
     ["milestone__name", "go_live_on", "due_on", "achieved_at", "status"]),
    ("access_records", lambda uid: AccessRecord.objects.filter(subject_id=uid).order_by("viewed_at", "pk"),
     ["viewed_at", "viewer__username", "viewer__first_name", "viewer__last_name", "what"]),
    # Changes to this person's role, teams, ids and exclusion, with who made them (the audit trail).
    ("configuration_changes", lambda uid: AuditEntry.objects.filter(additional_data__user_id=uid)
     .order_by("timestamp", "pk"),
     ["timestamp", "actor__username", "action", "content_type__model", "object_repr", "changes"]),
]


def personal_data(*, user_id: int) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Return everything stored about this one person: per table, its columns and rows.

    Every query is filtered on the person's own id; nothing about anyone else is read,
    except the names of the people who looked at their data.
    """
    return {
        name: (fields, list(build(user_id).values(*fields)))
        for name, build, fields in EXPORT_TABLES
    }


# --- The audit trail ---------------------------------------------------------------------

AUDIT_FIELDS = ["timestamp", "actor__username", "actor__first_name", "actor__last_name", "action",
                "content_type__model", "object_repr", "changes"]
ACTION_NAMES = {AuditEntry.Action.CREATE: "created", AuditEntry.Action.UPDATE: "updated",
                AuditEntry.Action.DELETE: "deleted", AuditEntry.Action.ACCESS: "accessed"}


def audit_entries(*, organisation_id: int) -> QuerySet[AuditEntry]:
    """Return the organisation's configuration history, newest first."""
    return (AuditEntry.objects.filter(organisation_id=organisation_id)
            .select_related("actor", "content_type").order_by("-timestamp", "-pk"))


def _changes(entry: AuditEntry) -> list[HistoryChange]:
    changes: dict[str, Any] = entry.changes or {}
    model = entry.content_type.model_class()
    rows = []
    for name, change in sorted(changes.items()):
        try:
            label = str(getattr(model._meta.get_field(name), "verbose_name", name)) if model is not None else name
        except FieldDoesNotExist:
            label = name
        if isinstance(change, dict):  # a many-to-many change: objects added or removed
            objects = ", ".join(str(o) for o in change.get("objects", []))
            old, new = (objects, "") if change.get("operation") == "delete" else ("", objects)
        else:
            old, new = (str(v) if v not in (None, "None") else "" for v in change)
        rows.append(HistoryChange(field=label, old=_shown(old), new=_shown(new)))
    return rows


def _shown(value: str) -> str:
    """A recorded value as people read it (a yes/no field says yes or no)."""
    return {"True": _("yes"), "False": _("no")}.get(value, value)


def _line(entry: AuditEntry) -> HistoryLine:
    model = entry.content_type.model_class()
    actor = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else ""
    return HistoryLine(
        timestamp=entry.timestamp, actor=actor, action=ACTION_NAMES.get(entry.action, str(entry.action)),
        what=str(model._meta.verbose_name) if model is not None else entry.content_type.model,
        object_repr=entry.object_repr, changes=_changes(entry),
    )


def audit_rows(*, organisation_id: int, limit: int) -> list[HistoryLine]:
    """Return the latest `limit` history rows of the organisation, ready to show."""
    return [_line(entry) for entry in audit_entries(organisation_id=organisation_id)[:limit]]


def history_lines(query: HistoryQuery) -> list[HistoryLine]:
    """Answer `apps.roles.history.history_of`: the changes to one model, one object or about one person."""
    entries = audit_entries(organisation_id=query.organisation_id)
    if query.model is not None:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(query.model))
    if query.object_id is not None:
        entries = entries.filter(object_pk=str(query.object_id))
    if query.person_id is not None:
        entries = entries.filter(additional_data__user_id=query.person_id)
    return [_line(entry) for entry in entries[:query.limit]]


def audit_export(*, organisation_id: int) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Return the whole history as an export table (for the lead's download)."""
    rows = [{**row, "action": ACTION_NAMES.get(row["action"], row["action"])}
            for row in audit_entries(organisation_id=organisation_id).values(*AUDIT_FIELDS)]
    return {"audit_entries": (AUDIT_FIELDS, rows)}
