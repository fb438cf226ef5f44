"""The audit trail: every configuration change that can change someone's figures or sight.

django-auditlog records who (the request's user, via its middleware), when, and the old and
new value of each changed field on save, delete and many-to-many change of the models
registered here. Entries are our own `AuditEntry` (AUDITLOG_LOGENTRY_MODEL), which also stores
the organisation, so a lead sees their organisation's history only — deletions included.
"""

from typing import Any

from auditlog.models import LogEntryManager
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

# (app label, model, fields left out, many-to-many fields) — what can change figures or sight.
AUDITED: list[tuple[str, str, list[str], list[str]]] = [
    ("givegets", "GiveGetContract", [], []),
    ("quickwins", "QuickWinMilestone", [], []),
    ("suggestions", "SuggestionRule", [], []),
    ("pulse", "PulseSettings", [], []),
    ("roles", "Role", [], []),
    ("roles", "Team", [], []),
    ("roles", "Membership", [], []),
    ("roles", "TeamMember", [], []),
    ("rollout", "RolloutPhase", [], ["teams", "roles"]),  # the gate criteria are the phase's fields
    ("activities", "Stage", [], []),
    ("identities", "ExternalIdentity", [], []),
    ("adoption", "ExcludedPerson", [], []),
    ("trust", "DataUseStatement", ["updated_at"], []),
    # Only the hash of a key is stored; it changes nothing a person reads, and use is not a change.
    ("integrations", "IntegrationKey", ["hashed_key", "last_used_at"], []),
]


def organisation_id_of(instance: models.Model) -> int | None:
    """Return the organisation an audited object belongs to (through its role or team if need be)."""
    if (organisation_id := getattr(instance, "organisation_id", None)) is not None:
        return int(organisation_id)
    for relation, model in (("role_id", ("roles", "Role")), ("team_id", ("roles", "Team"))):
        if (related_id := getattr(instance, relation, None)) is not None:
            found = apps.get_model(*model).objects.filter(pk=related_id).values_list("organisation_id", flat=True)
            return next(iter(found), None)
    if (user_id := _person_of(instance)) is not None:
        membership = apps.get_model("roles", "Membership").objects.filter(user_id=user_id)
        return next(iter(membership.values_list("organisation_id", flat=True)), None)
    return None


def _person_of(instance: models.Model) -> int | None:
    """Return the person a change is about: the user changed, or the user a row belongs to."""
    if isinstance(instance, get_user_model()):
        return int(instance.pk)
    user_id = getattr(instance, "user_id", None)
    return int(user_id) if user_id is not None else None


class AuditEntryManager(LogEntryManager):
    """django-auditlog's manager, stamping each entry with the object's organisation."""

    def log_create(self, instance: Any, force_log: bool = False, **kwargs: Any) -> Any:
        _stamp(instance, kwargs)
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset: Any, instance: Any, operation: Any, field_name: Any,
                        **kwargs: Any) -> Any:
        _stamp(instance, kwargs)
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


def _stamp(instance: models.Model, kwargs: dict[str, Any]) -> None:
    """Add the organisation and, for a change about one person (role, team, ids), that person."""
    kwargs.setdefault("organisation_id", organisation_id_of(instance))
    if (user_id := _person_of(instance)) is not None:
        kwargs.setdefault("additional_data", {"user_id": user_id})


def register_audited_models() -> None:
    """Register every audited model with django-auditlog (from TrustConfig.ready)."""
    from auditlog.registry import auditlog

    for app_label, model_name, excluded, m2m in AUDITED:
        auditlog.register(apps.get_model(app_label, model_name), exclude_fields=excluded, m2m_fields=set(m2m))
    # Of a person's own account only whether they may log in changes what others see of them.
    auditlog.register(get_user_model(), include_fields=["is_active"])
