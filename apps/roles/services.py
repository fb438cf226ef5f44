"""Configuring roles, and the audit trail every configuration or membership change leaves."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.enqueue import task_enqueue_on_commit
from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS, AuditEntry, Membership, Role, RoleKind

# Role fields a lead edits; the first four change people's figures (give cap, pulse blend, gets).
ROLE_FIGURE_FIELDS = ("entry_cap_seconds", "pulse_weight", "suggestion_accepted_minutes", "recognition_minutes")
ROLE_FIELDS = ("name", "kind", *ROLE_FIGURE_FIELDS, "wiifm")
# A cap shorter than this would make every measured entry count as almost nothing.
MIN_ENTRY_CAP_SECONDS = 10
MAX_ENTRY_CAP_SECONDS = 24 * 60 * 60


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 0.30 and 0.3 are the same value
    return str(value)


def audit_record(
    *, organisation_id: int, actor_id: int | None, target_type: str, target_id: int, target_label: str,
    changes: Mapping[str, tuple[Any, Any]],
) -> list[AuditEntry]:
    """Record one audit row per changed field (old → new); unchanged fields leave no row."""
    entries = [
        AuditEntry(
            organisation_id=organisation_id, actor_id=actor_id, target_type=target_type, target_id=target_id,
            target_label=target_label[:200], field=name, old_value=_as_text(old), new_value=_as_text(new),
        )
        for name, (old, new) in changes.items()
        if _as_text(old) != _as_text(new)
    ]
    return AuditEntry.objects.bulk_create(entries)


def _role_errors(*, organisation_id: int, values: Mapping[str, Any], existing_pk: int | None) -> dict[str, list[str]]:
    """Return every reason these role values cannot be saved, by field; empty when they can."""
    errors: dict[str, list[str]] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the role a name its people recognise.")]
    else:
        same_name = Role.objects.filter(organisation_id=organisation_id, name__iexact=name)
        if existing_pk is not None:
            same_name = same_name.exclude(pk=existing_pk)
        if same_name.exists():
            errors["name"] = [_("Another role is already called “%(name)s”.") % {"name": name}]
    if values.get("kind") not in RoleKind.values:
        errors["kind"] = [_("Choose what kind of work the role does.")]
    cap = values.get("entry_cap_seconds")
    if cap is None or not MIN_ENTRY_CAP_SECONDS <= int(cap) <= MAX_ENTRY_CAP_SECONDS:
        errors["entry_cap_seconds"] = [
            _("The entry cap must be between %(low)d and %(high)d seconds.")
            % {"low": MIN_ENTRY_CAP_SECONDS, "high": MAX_ENTRY_CAP_SECONDS}
        ]
    weight = values.get("pulse_weight")
    if weight is None or not Decimal("0") <= Decimal(weight) <= Decimal("1"):
        errors["pulse_weight"] = [_("The pulse weight must be between 0 and 1.")]
    for field_name in ("suggestion_accepted_minutes", "recognition_minutes"):
        minutes = values.get(field_name)
        if minutes is None or Decimal(minutes) < 0:
            errors[field_name] = [_("Minutes cannot be negative.")]
    return errors


def _recompute_members_after_commit(role_id: int) -> None:
    """The role's people's stored scores used the old values: recompute them after commit."""
    user_ids = list(Membership.objects.filter(role_id=role_id).values_list("user_id", flat=True))
    if user_ids:
        task_enqueue_on_commit("apps.scoring.tasks.recompute_user_scores", user_ids=user_ids)


@transaction.atomic
def role_create(
    *, organisation_id: int, actor_id: int | None, name: str, kind: str,
    entry_cap_seconds: int = DEFAULT_ENTRY_CAP_SECONDS, pulse_weight: Decimal = Decimal("0.3"),
    suggestion_accepted_minutes: Decimal = Decimal("5"), recognition_minutes: Decimal = Decimal("3"),
    wiifm: str = "",
) -> Role:
    """Create a role; raise ValidationError (by field) and save nothing when invalid."""
    values: dict[str, Any] = {
        "name": name.strip(), "kind": kind, "entry_cap_seconds": entry_cap_seconds, "pulse_weight": pulse_weight,
        "suggestion_accepted_minutes": suggestion_accepted_minutes, "recognition_minutes": recognition_minutes,
        "wiifm": wiifm.strip(),
    }
    errors = _role_errors(organisation_id=organisation_id, values=values, existing_pk=None)
    if errors:
        raise ValidationError(errors)
    role = Role(organisation_id=organisation_id, **values)
    role.full_clean()
    role.save()
    audit_record(
        organisation_id=organisation_id, actor_id=actor_id, target_type="role", target_id=role.pk,
        target_label=role.name, changes={"created": ("", role.name)},
    )
    return role


@transaction.atomic
def role_update(*, role: Role, actor_id: int | None, **values: Any) -> Role:
    """Change a role's name, kind, scoring values or WIIFM text; every changed field is audited.

    Changing a scoring value recomputes the role's people's scores after commit, so no page
    shows a figure computed with the old value next to one computed with the new.
    """
    unknown = set(values) - set(ROLE_FIELDS)
    if unknown:
        raise TypeError(f"role_update got unknown fields: {sorted(unknown)}")
    locked = Role.objects.select_for_update().get(pk=role.pk)
    merged = {name: getattr(locked, name) for name in ROLE_FIELDS} | values
    merged["name"] = str(merged["name"]).strip()
    merged["wiifm"] = str(merged["wiifm"]).strip()
    errors = _role_errors(organisation_id=locked.organisation_id, values=merged, existing_pk=locked.pk)
    if locked.kind == RoleKind.PROJECT_LEAD and merged["kind"] != RoleKind.PROJECT_LEAD:
        other_leads = Membership.objects.filter(
            organisation_id=locked.organisation_id, role__kind=RoleKind.PROJECT_LEAD, user__is_active=True
        ).exclude(role_id=locked.pk)
        if not other_leads.exists():
            errors.setdefault("kind", []).append(
                _("Nobody else would be a project lead: give someone another project-lead role first.")
            )
    if errors:
        raise ValidationError(errors)
    changes = {name: (getattr(locked, name), merged[name]) for name in ROLE_FIELDS}
    old_label = locked.name
    for name in ROLE_FIELDS:
        setattr(locked, name, merged[name])
    locked.full_clean()
    locked.save(update_fields=list(ROLE_FIELDS))
    written = audit_record(
        organisation_id=locked.organisation_id, actor_id=actor_id, target_type="role", target_id=locked.pk,
        target_label=old_label, changes=changes,
    )
    if any(entry.field in ROLE_FIGURE_FIELDS for entry in written):
        _recompute_members_after_commit(locked.pk)
    return locked
