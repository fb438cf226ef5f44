"""Recording who looked at whose data, and writing the data-use charter."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.trust.models import AccessRecord, AuditEntry, DataUseStatement

# A reload within this window is the same look, not a new one.
SAME_LOOK_WINDOW = dt.timedelta(minutes=10)

# What was looked at is stored in English and translated when shown to the person.
WHAT_SCORE_DASHBOARD = gettext_noop("score dashboard")
WHAT_COACHING_PAGE = gettext_noop("coaching page")
WHAT_TEAM_OVERVIEW = gettext_noop("team overview (score, status and quick wins)")
WHAT_TEAM_COACHING = gettext_noop("team coaching page")


def audit_change_record(*, instance: models.Model, changes: Mapping[str, tuple[object, object]]) -> None:
    """Record a change made around `save()` (a bulk update django-auditlog cannot see), old → new.

    Who made it comes from the same place as for every other entry: the request's user, or
    `apps.roles.history.acting_as`.
    """
    AuditEntry.objects.log_create(
        instance, action=AuditEntry.Action.UPDATE,
        changes={name: [str(old), str(new)] for name, (old, new) in changes.items() if old != new},
    )


def access_record(*, viewer_id: int, subject_id: int, what: str) -> AccessRecord | None:
    """Record that `viewer` opened `subject`'s personal data; looking at yourself is not recorded."""
    if viewer_id == subject_id:
        return None
    now = timezone.now()
    recent = AccessRecord.objects.filter(
        viewer_id=viewer_id, subject_id=subject_id, what=what, viewed_at__gte=now - SAME_LOOK_WINDOW
    ).first()
    if recent is not None:
        return recent
    return AccessRecord.objects.create(viewer_id=viewer_id, subject_id=subject_id, what=what, viewed_at=now)


def access_record_many(*, viewer_id: int, subject_ids: Sequence[int], what: str) -> int:
    """Record one look at several people's data at once (a team table); return how many were new.

    Two queries whatever the team's size; a reload within the same-look window adds nothing.
    """
    now = timezone.now()
    subjects = {s for s in subject_ids if s != viewer_id}
    seen = set(
        AccessRecord.objects.filter(
            viewer_id=viewer_id, subject_id__in=subjects, what=what, viewed_at__gte=now - SAME_LOOK_WINDOW
        ).values_list("subject_id", flat=True)
    )
    new = [
        AccessRecord(viewer_id=viewer_id, subject_id=s, what=what, viewed_at=now) for s in sorted(subjects - seen)
    ]
    AccessRecord.objects.bulk_create(new)
    return len(new)


@dataclass(frozen=True)
class CharterRow:
    """One line of the charter as the project lead wants it; no id means a new line."""

    category: str
    used_for: str
    never_used_for: str
    order: int = 0
    statement_id: int | None = None


def duplicate_categories(categories: Sequence[str]) -> set[str]:
    """Return the categories (case- and space-insensitive) that appear more than once."""
    seen: set[str] = set()
    duplicates: set[str] = set()
    for category in categories:
        key = " ".join(category.split()).casefold()
        if key in seen:
            duplicates.add(key)
        seen.add(key)
    return duplicates


@transaction.atomic
def data_use_charter_update(*, organisation_id: int, rows: Sequence[CharterRow]) -> list[DataUseStatement]:
    """Make the organisation's charter exactly these rows: update, create, and delete the rest.

    All or nothing: any invalid row leaves the charter as it was.
    """
    if duplicate_categories([row.category for row in rows]):
        raise ValidationError({"category": _("Each data category may appear only once.")})
    existing = {s.pk: s for s in DataUseStatement.objects.select_for_update().filter(organisation_id=organisation_id)}
    unknown = {row.statement_id for row in rows if row.statement_id is not None} - set(existing)
    if unknown:
        raise ValidationError(_("Some lines no longer exist; reload the page and try again."))
    original_category = {pk: statement.category for pk, statement in existing.items()}
    kept = {row.statement_id for row in rows if row.statement_id is not None}
    DataUseStatement.objects.filter(organisation_id=organisation_id).exclude(pk__in=kept).delete()

    statements = []
    for row in rows:
        statement = existing[row.statement_id] if row.statement_id is not None else DataUseStatement(
            organisation_id=organisation_id
        )
        statement.category = row.category.strip()
        statement.used_for = row.used_for.strip()
        statement.never_used_for = row.never_used_for.strip()
        statement.order = row.order
        # Uniqueness was checked over the whole new charter above; per-row checks against the
        # old rows would reject a legitimate swap of two names.
        statement.full_clean(exclude=["organisation"], validate_constraints=False)
        statements.append(statement)
    # Park renamed lines under a name nobody types (invisible separators) first, so swapping
    # two names never collides mid-way.
    renamed_ids = [s.pk for s in statements if s.pk is not None and s.category != original_category[s.pk]]
    for pk in renamed_ids:
        DataUseStatement.objects.filter(pk=pk).update(category=f"\u2063renaming {pk}\u2063")
    for statement in statements:
        statement.save()
    return statements
