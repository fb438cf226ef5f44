"""Configuring quick-win milestones, refreshing each person's results, and deadline nudges."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.core.enqueue import task_enqueue_on_commit
from apps.core.services import model_update
from apps.quickwins import evaluation
from apps.quickwins.models import Nudge, NudgeKind, QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.models import Membership, Role, TeamMember
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent

# Registered by QuickwinsConfig.ready(), which imports the tasks module.
REFRESH_MILESTONES_TASK = "apps.quickwins.tasks.refresh_quickwins_for_milestones"


def quickwin_results_refresh(
    *, today: dt.date | None = None, milestone_ids: list[int] | None = None, user_ids: list[int] | None = None
) -> int:
    """Store every person's status on every milestone of their role; return rows written.

    One grouped query per milestone finds each person's first qualifying event after go-live.
    With `user_ids`, only those people (and their roles' milestones) are refreshed, so a
    logged event can update its author's result right after commit.
    """
    today = today or timezone.localdate()
    milestones = QuickWinMilestone.objects.all()
    if milestone_ids is not None:
        milestones = milestones.filter(pk__in=milestone_ids)
    if user_ids is not None:
        milestones = milestones.filter(role__memberships__user_id__in=user_ids).distinct()
    written = 0
    for milestone in milestones:
        memberships = Membership.objects.filter(role_id=milestone.role_id, go_live_on__isnull=False)
        events = UsageEvent.objects.filter(
            kind=milestone.event_kind,
            user__memberships__role_id=milestone.role_id,
            occurred_at__date__gte=F("user__memberships__go_live_on"),
        ).not_withdrawn()
        if user_ids is not None:
            memberships = memberships.filter(user_id__in=user_ids)
            events = events.filter(user_id__in=user_ids)
        go_live: dict[int, dt.date] = dict(memberships.values_list("user_id", "go_live_on"))  # type: ignore[arg-type]
        # People who left the role (or lost their go-live date) no longer count for it.
        stale = QuickWinResult.objects.filter(milestone=milestone).exclude(user_id__in=memberships.values("user_id"))
        if user_ids is not None:
            stale = stale.filter(user_id__in=user_ids)
        stale.delete()
        if not go_live:
            continue
        first_event = dict(
            events.values("user_id").annotate(first=Min("occurred_at")).values_list("user_id", "first")
        )
        rows = []
        for user_id, go_live_on in go_live.items():
            achieved_at = first_event.get(user_id)
            due_on = go_live_on + dt.timedelta(days=milestone.due_days)
            achieved_on = timezone.localtime(achieved_at).date() if achieved_at else None
            rows.append(
                QuickWinResult(
                    milestone=milestone,
                    user_id=user_id,
                    go_live_on=go_live_on,
                    due_on=due_on,
                    achieved_at=achieved_at,
                    days_to_first_value=evaluation.days_to_first_value(go_live_on=go_live_on, achieved_on=achieved_on),
                    status=evaluation.quickwin_status(due_on=due_on, achieved_on=achieved_on, today=today),
                )
            )
        with transaction.atomic():
            QuickWinResult.objects.bulk_create(
                rows,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["milestone", "user"],
                update_fields=["go_live_on", "due_on", "achieved_at", "days_to_first_value", "status", "refreshed_at"],
            )
        written += len(rows)
    return written


# --- Configuring milestones --------------------------------------------------------------


def _milestone_errors(
    *, role: Role | None, name: str, event_kind: str, due_days: int | None, existing_pk: int | None
) -> dict[str, list[str]]:
    """Return every reason the milestone cannot be saved, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if role is None:
        errors["role"] = [_("Choose the role this milestone is for.")]
    if not name.strip():
        errors["name"] = [_("Give the milestone a name people will recognise.")]
    if not event_kind:
        errors["event_kind"] = [_("Choose the event that achieves this milestone.")]
    elif event_kind not in EventKind.values:
        errors["event_kind"] = [
            _("“%(kind)s” is not an event kind we record; choose one from the list.") % {"kind": event_kind}
        ]
    if due_days is None or due_days < 1:
        errors["due_days"] = [_("The deadline must be at least 1 day after go-live.")]
    if role is not None and event_kind:
        duplicate = QuickWinMilestone.objects.filter(role=role, event_kind=event_kind)
        if existing_pk is not None:
            duplicate = duplicate.exclude(pk=existing_pk)
        if duplicate.exists():
            errors[NON_FIELD_ERRORS] = [
                _("%(role)s already has a milestone achieved by this event; edit that one instead.")
                % {"role": role.name}
            ]
    return errors


def _enqueue_refresh(milestone_id: int) -> None:
    task_enqueue_on_commit(REFRESH_MILESTONES_TASK, milestone_ids=[milestone_id])


@transaction.atomic
def milestone_create(*, role: Role | None, name: str, event_kind: str, due_days: int | None = 7) -> QuickWinMilestone:
    """Create a milestone; raise ValidationError (by field) and save nothing when invalid."""
    errors = _milestone_errors(role=role, name=name, event_kind=event_kind, due_days=due_days, existing_pk=None)
    if errors:
        raise ValidationError(errors)
    assert due_days is not None  # checked above
    milestone = QuickWinMilestone(role=role, name=name.strip(), event_kind=event_kind, due_days=due_days)
    milestone.full_clean()
    milestone.save()
    _enqueue_refresh(milestone.pk)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: QuickWinMilestone, role: Role | None, name: str, event_kind: str, due_days: int | None
) -> QuickWinMilestone:
    """Change a milestone; raise ValidationError (by field) and change nothing when invalid."""
    errors = _milestone_errors(
        role=role, name=name, event_kind=event_kind, due_days=due_days, existing_pk=milestone.pk
    )
    if errors:
        raise ValidationError(errors)
    locked = QuickWinMilestone.objects.select_for_update().get(pk=milestone.pk)
    role_changed = locked.role_id != role.pk  # type: ignore[union-attr]
    data = {"role": role, "name": name.strip(), "event_kind": event_kind, "due_days": due_days}
    model_update(instance=locked, fields=list(data), data=data)
    if role_changed:
        # Results belong to the old role's people; the refresh writes the new role's.
        QuickWinResult.objects.filter(milestone=locked).delete()
    _enqueue_refresh(locked.pk)
    return locked


@transaction.atomic
def milestone_delete(*, milestone: QuickWinMilestone) -> None:
    """Delete a milestone with its stored results and nudges."""
    milestone.delete()


# --- Nudges --------------------------------------------------------------------------------


def _nudge_text(*, kind: str, milestone_name: str, person_name: str, due_on: dt.date) -> str:
    due = formats.date_format(due_on, "j M")
    if kind == NudgeKind.DEADLINE_SOON:
        return _("Your quick win “%(milestone)s” is due on %(due)s.") % {"milestone": milestone_name, "due": due}
    return _("%(person)s's quick win “%(milestone)s” is due on %(due)s – a word from you may help.") % {
        "person": person_name, "milestone": milestone_name, "due": due,
    }


def deadline_nudges_send(*, today: dt.date | None = None) -> int:
    """Nudge each person with a pending quick win due within two days, and their team's ambassadors.

    Every nudge has a dedupe key (kind, milestone, person, due date, recipient), so running
    the job every hour creates each nudge once. Return how many nudges were created.
    """
    today = today or timezone.localdate()
    results = list(
        QuickWinResult.objects.filter(
            status=QuickWinStatus.PENDING,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=evaluation.NUDGE_DAYS_BEFORE),
        ).select_related("milestone", "user")
    )
    results = [r for r in results if evaluation.nudge_due(status=r.status, due_on=r.due_on, today=today)]
    if not results:
        return 0
    ambassadors: dict[int, set[int]] = {}
    for person_id, ambassador_id in TeamMember.objects.filter(
        is_ambassador=True, team__team_members__user_id__in={r.user_id for r in results}
    ).values_list("team__team_members__user_id", "user_id"):
        if ambassador_id != person_id:
            ambassadors.setdefault(person_id, set()).add(ambassador_id)
    nudges: list[Nudge] = []
    for result in results:
        person_name = result.user.get_full_name() or result.user.get_username()
        base = f"{result.milestone_id}:{result.user_id}:{result.due_on.isoformat()}"
        recipients = [(result.user_id, NudgeKind.DEADLINE_SOON, f"{NudgeKind.DEADLINE_SOON}:{base}")] + [
            (a, NudgeKind.AMBASSADOR_DEADLINE_SOON, f"{NudgeKind.AMBASSADOR_DEADLINE_SOON}:{base}:{a}")
            for a in sorted(ambassadors.get(result.user_id, ()))
        ]
        for recipient_id, kind, key in recipients:
            nudges.append(Nudge(
                user_id=recipient_id, milestone_id=result.milestone_id, about_user_id=result.user_id,
                kind=kind, due_on=result.due_on, dedupe_key=key,
                text=_nudge_text(kind=kind, milestone_name=result.milestone.name, person_name=person_name,
                                 due_on=result.due_on),
            ))
    existing = set(Nudge.objects.filter(dedupe_key__in=[n.dedupe_key for n in nudges]).values_list(
        "dedupe_key", flat=True
    ))
    new = [n for n in nudges if n.dedupe_key not in existing]
    # ignore_conflicts covers two runs racing each other; the key decides which one wins.
    Nudge.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def nudge_mark_read(*, nudge: Nudge) -> Nudge:
    """Mark a nudge read once; later calls keep the first time."""
    if nudge.read_at is None:
        nudge.read_at = timezone.now()
        nudge.save(update_fields=["read_at"])
    return nudge
