"""Configuring roles (every change is recorded in the one audit trail, see apps.roles.history)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.enqueue import task_enqueue_on_commit
from apps.core.services import model_update
from apps.roles.history import actor_from
from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS, Membership, Role, RoleKind

# Role fields a lead edits; the first four change people's figures (give cap, pulse blend, gets).
ROLE_FIGURE_FIELDS = ("entry_cap_seconds", "pulse_weight", "suggestion_accepted_minutes", "recognition_minutes")
ROLE_FIELDS = ("name", "kind", *ROLE_FIGURE_FIELDS, "wiifm")
# A cap shorter than this would make every measured entry count as almost nothing.
MIN_ENTRY_CAP_SECONDS = 10
# Scoring sits above roles: its recompute is enqueued by name (apps.core.enqueue).
RECOMPUTE_TASK = "apps.scoring.tasks.recompute_user_scores"
MAX_ENTRY_CAP_SECONDS = 24 * 60 * 60


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
        task_enqueue_on_commit(RECOMPUTE_TASK, user_ids=user_ids)


@actor_from("actor_id")
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
    return role


@actor_from("actor_id")
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
    figures_changed = any(getattr(locked, name) != merged[name] for name in ROLE_FIGURE_FIELDS)
    model_update(instance=locked, fields=ROLE_FIELDS, data=merged)
    if figures_changed:
        _recompute_members_after_commit(locked.pk)
    return locked
