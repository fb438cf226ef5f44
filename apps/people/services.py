"""Setting up an organisation and its people: every write to people, roles and teams goes here."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.activities.models import Stage
from apps.core.enqueue import task_enqueue_on_commit
from apps.core.errors import ApplicationError
from apps.identities.services import external_identity_add
from apps.people.importing import PersonRow
from apps.roles.history import actor_from
from apps.roles.models import Membership, Organisation, Role, RoleKind, Team, TeamMember
from apps.trust.services import access_record_many, audit_change_record

# Names are stored in English and shown translated (the lead renames them later).
DEFAULT_ROLE_NAMES: dict[str, str] = {
    RoleKind.SALES_REP: gettext_noop("Sales rep"),
    RoleKind.SERVICE_AGENT: gettext_noop("Service agent"),
    RoleKind.MARKETER: gettext_noop("Marketer"),
    RoleKind.MANAGER: gettext_noop("Manager"),
    RoleKind.PROJECT_LEAD: gettext_noop("Project lead"),
}
# (name, order, won, lost, usual next step)
DEFAULT_STAGES: list[tuple[str, int, bool, bool, str]] = [
    (gettext_noop("Lead"), 1, False, False, gettext_noop("Call to qualify the need")),
    (gettext_noop("Qualified"), 2, False, False, gettext_noop("Book a discovery meeting")),
    (gettext_noop("Proposal sent"), 3, False, False, gettext_noop("Follow up on the proposal")),
    (gettext_noop("Negotiation"), 4, False, False, gettext_noop("Agree the contract terms")),
    (gettext_noop("Won"), 90, True, False, ""),
    (gettext_noop("Lost"), 91, False, True, ""),
]
# Week-one quick wins the product ships, per role kind: (name, achieved by, due days after go-live).
DEFAULT_MILESTONES: dict[str, tuple[str, str, int]] = {
    RoleKind.SALES_REP: (gettext_noop("Log your first call"), "call_logged", 7),
    RoleKind.SERVICE_AGENT: (gettext_noop("Log your first case"), "case_logged", 7),
    RoleKind.MARKETER: (gettext_noop("Log your first campaign"), "campaign_logged", 7),
    RoleKind.MANAGER: (gettext_noop("Write your first coaching note"), "note_logged", 7),
}
# What a person is told when someone starts managing a team they are in.
WHAT_NEW_MANAGER = gettext_noop("became your manager: can now see your score and coaching pages")


@dataclass(frozen=True)
class Created:
    organisation: Organisation
    lead: User
    set_password_path: str


def set_password_path(user: User) -> str:
    """Return the one-time path where `user` chooses a password (Django's token generator)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("people:set_password", kwargs={"uidb64": uid, "token": token})


def invitation_send(*, user: User, base_url: str) -> str:
    """E-mail `user` a set-password link; return the full link (valid until used or expired)."""
    link = base_url.rstrip("/") + set_password_path(user)
    send_mail(
        subject=_("You are invited to the CRM adoption tracker"),
        message=_("Hello %(name)s,\n\nChoose your password here (the link works once):\n%(link)s\n")
        % {"name": user.get_full_name() or user.username, "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return link


def _user_create(*, email: str, full_name: str) -> User:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Enter a valid e-mail address.")})
    if User.objects.filter(username=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already exists.")})
    first, _sep, last = full_name.strip().partition(" ")
    user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def organisation_create(*, name: str, lead_email: str, lead_name: str = "") -> Created:
    """Create an organisation with a role of each kind, default stages, Give-Gets and week-one quick wins,
    and its first project lead."""
    organisation = Organisation(name=name.strip())
    organisation.full_clean()
    organisation.save()
    roles = {}
    for kind, role_name in DEFAULT_ROLE_NAMES.items():
        role = Role(organisation=organisation, kind=kind, name=role_name, pulse_weight=Decimal("0.3"))
        role.full_clean(validate_constraints=False)
        role.save()
        roles[kind] = role
    for stage_name, order, won, lost, next_step in DEFAULT_STAGES:
        Stage.objects.create(
            organisation=organisation, name=stage_name, order=order, is_won=won, is_lost=lost, next_step=next_step
        )
    from apps.givegets.services import contracts_install_defaults
    from apps.quickwins.models import QuickWinMilestone

    contracts_install_defaults(organisation_id=organisation.pk)
    for kind, (milestone_name, event_kind, due_days) in DEFAULT_MILESTONES.items():
        QuickWinMilestone.objects.create(role=roles[kind], name=milestone_name, event_kind=event_kind,
                                         due_days=due_days)
    lead = _user_create(email=lead_email, full_name=lead_name)
    Membership.objects.create(user=lead, organisation=organisation, role=roles[RoleKind.PROJECT_LEAD])
    return Created(organisation=organisation, lead=lead, set_password_path=set_password_path(lead))


def _newly_managed_record(*, manager_id: int, team_id: int) -> int:
    """Show each member of the team that `manager` can now see them; return how many were told."""
    members = list(
        TeamMember.objects.filter(team_id=team_id, is_manager=False)
        .exclude(user_id=manager_id)
        .values_list("user_id", flat=True)
    )
    return access_record_many(viewer_id=manager_id, subject_ids=members, what=WHAT_NEW_MANAGER)


@transaction.atomic
def team_get_or_create(*, organisation_id: int, name: str) -> Team:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"team": _("A team needs a name.")})
    team = Team.objects.filter(organisation_id=organisation_id, name__iexact=name).first()
    if team is None:
        team = Team(organisation_id=organisation_id, name=name)
        team.full_clean()
        team.save()
    return team


def _person_label(user_id: int) -> str:
    user = User.objects.only("first_name", "last_name", "username").get(pk=user_id)
    return user.get_full_name() or user.username


@actor_from("by_user_id")
@transaction.atomic
def team_membership_set(*, user_id: int, team_id: int, is_manager: bool, by_user_id: int | None = None) -> TeamMember:
    """Put a person in a team (as its manager or not); the change is audited (who, when, what).

    Becoming a manager gives new sight of the team's members: each is told under "Who looked at
    my data". A person joining a managed team is told that each of its managers can see them.
    """
    member, created = TeamMember.objects.get_or_create(
        team_id=team_id, user_id=user_id, defaults={"is_manager": is_manager}
    )
    became_manager = is_manager and (created or not member.is_manager)
    if member.is_manager != is_manager:
        member.is_manager = is_manager
        member.save(update_fields=["is_manager"])
    organisation_id = Team.objects.values_list("organisation_id", flat=True).get(pk=team_id)
    go_live_fill(organisation_id=organisation_id, user_ids=[user_id])
    if became_manager:
        _newly_managed_record(manager_id=user_id, team_id=team_id)
    elif created and not is_manager:
        managers = TeamMember.objects.filter(team_id=team_id, is_manager=True).exclude(user_id=user_id)
        for manager_id in managers.values_list("user_id", flat=True):
            access_record_many(viewer_id=manager_id, subject_ids=[user_id], what=WHAT_NEW_MANAGER)
    return member


@actor_from("by_user_id")
@transaction.atomic
def team_membership_remove(*, user_id: int, team_id: int, by_user_id: int | None = None) -> None:
    for member in TeamMember.objects.filter(team_id=team_id, user_id=user_id):
        member.delete()  # one by one, so each leaving is in the audit trail


@actor_from("by_user_id")
@transaction.atomic
def person_add(
    *, organisation_id: int, email: str, full_name: str, role_id: int, team_id: int | None = None,
    is_manager: bool = False, by_user_id: int | None = None,
) -> User:
    """Add a person with a role (and a team); the caller sends the invitation after commit."""
    role = Role.objects.filter(pk=role_id, organisation_id=organisation_id).first()
    if role is None:
        raise ValidationError({"role": _("Choose a role of this organisation.")})
    user = _user_create(email=email, full_name=full_name)
    Membership.objects.create(user=user, organisation_id=organisation_id, role=role)
    go_live_fill(organisation_id=organisation_id, user_ids=[user.pk])
    if team_id is not None:
        if not Team.objects.filter(pk=team_id, organisation_id=organisation_id).exists():
            raise ValidationError({"team": _("Choose a team of this organisation.")})
        team_membership_set(user_id=user.pk, team_id=team_id, is_manager=is_manager, by_user_id=by_user_id)
    return user


@actor_from("by_user_id")
@transaction.atomic
def person_role_set(*, organisation_id: int, user_id: int, role_id: int, by_user_id: int | None = None) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("role")
        .get(user_id=user_id, organisation_id=organisation_id)
    )
    role = Role.objects.filter(pk=role_id, organisation_id=organisation_id).first()
    if role is None:
        raise ValidationError({"role": _("Choose a role of this organisation.")})
    membership.role = role
    membership.save(update_fields=["role"])
    go_live_fill(organisation_id=organisation_id, user_ids=[user_id])
    return membership


@actor_from("by_user_id")
@transaction.atomic
def person_active_set(*, organisation_id: int, user_id: int, active: bool, by_user_id: int) -> User:
    """Deactivate a leaver (cannot log in; history kept; not a seat) or reactivate them."""
    if user_id == by_user_id and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    user = User.objects.select_for_update().get(pk=user_id, memberships__organisation_id=organisation_id)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


def seats_count(*, organisation_id: int) -> int:
    """Active people with a role: the seats the organisation uses."""
    return User.objects.filter(memberships__organisation_id=organisation_id, is_active=True).count()



@dataclass
class PeopleImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    new_user_ids: list[int] = field(default_factory=list)


def _role_lookup(organisation_id: int) -> dict[str, Role]:
    """Roles by name (as stored and translated), by kind value and by kind label."""
    lookup: dict[str, Role] = {}
    for role in Role.objects.filter(organisation_id=organisation_id):
        for key in (role.kind, str(RoleKind(role.kind).label), role.name, _(role.name)):
            lookup.setdefault(key.casefold(), role)
    return lookup


def _person_row_import(
    *, organisation_id: int, row: PersonRow, roles: dict[str, Role], teams: dict[str, Team],
    by_user_id: int | None = None,
) -> tuple[str, int]:
    """Write one row; return ("created"|"updated"|"unchanged", user id). Raises ValidationError."""
    role = roles.get(row.role.casefold())
    if role is None:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": row.role})
    user = User.objects.filter(username=row.email).first()
    status = "unchanged"
    if user is None:
        user = _user_create(email=row.email, full_name=row.name)
        Membership.objects.create(user=user, organisation_id=organisation_id, role=role)
        go_live_fill(organisation_id=organisation_id, user_ids=[user.pk])
        status = "created"
    else:
        membership = Membership.objects.select_related("role").filter(user=user).first()
        if membership is None or membership.organisation_id != organisation_id:
            raise ValidationError(_("This e-mail address belongs to someone in another organisation."))
        first, _sep, last = row.name.partition(" ")
        if row.name and (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
            status = "updated"
        if membership.role_id != role.pk:
            membership.role = role
            membership.save(update_fields=["role"])
            go_live_fill(organisation_id=organisation_id, user_ids=[user.pk])
            status = "updated"
    if row.team:
        key = row.team.casefold()
        if key not in teams:
            teams[key] = team_get_or_create(organisation_id=organisation_id, name=row.team)
        team = teams[key]
        current = TeamMember.objects.filter(team=team, user=user).first()
        if current is None or current.is_manager != row.is_manager:
            team_membership_set(user_id=user.pk, team_id=team.pk, is_manager=row.is_manager, by_user_id=by_user_id)
            status = "updated" if status == "unchanged" else status
    for source, external_id in row.identities.items():
        try:
            external_identity_add(
                organisation_id=organisation_id, user_id=user.pk, source=source, external_id=external_id
            )
        except ApplicationError as error:
            raise ValidationError(error.message) from error
    return status, user.pk


@actor_from("by_user_id")
def people_import(
    *, organisation_id: int, rows: Iterable[PersonRow], dry_run: bool = False, by_user_id: int | None = None,
) -> PeopleImportResult:
    """Import people row by row: a bad row is reported and skipped, the valid ones are kept.

    Re-importing the same file adds nothing. With `dry_run` everything is rolled back: the preview
    shows exactly what the import would do.
    """
    result = PeopleImportResult()
    with transaction.atomic():
        roles = _role_lookup(organisation_id)
        teams = {t.name.casefold(): t for t in Team.objects.filter(organisation_id=organisation_id)}
        seen: set[str] = set()
        for row in rows:
            if row.email in seen:
                row.problems.append(_("This e-mail address appears on an earlier row."))
            if row.problems:
                result.problems.extend((row.row_number, p) for p in row.problems)
                continue
            seen.add(row.email)
            try:
                with transaction.atomic():
                    status, user_id = _person_row_import(
                        organisation_id=organisation_id, row=row, roles=roles, teams=teams, by_user_id=by_user_id
                    )
            except ValidationError as error:
                teams = {t.name.casefold(): t for t in Team.objects.filter(organisation_id=organisation_id)}
                result.problems.extend((row.row_number, m) for m in error.messages)
                continue
            if status == "created":
                result.created += 1
                result.new_user_ids.append(user_id)
            elif status == "updated":
                result.updated += 1
            else:
                result.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
    return result


def invitations_send(*, user_ids: Sequence[int], base_url: str) -> int:
    """Invite each of these people by e-mail; return how many were sent."""
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    for user in users:
        invitation_send(user=user, base_url=base_url)
    return len(users)


def go_live_fill(*, organisation_id: int, user_ids: Sequence[int]) -> int:
    """Give people who joined after their phase went live that phase's go-live date.

    A person's phase is the earliest phase that has gone live and covers one of their teams or
    their role; like going live itself, the date is never before today for a newcomer, and a date
    already set is kept. Their quick wins are refreshed after commit. Returns how many were set.
    """
    from apps.rollout.models import PhaseStatus, RolloutPhase

    memberships = list(
        Membership.objects.filter(organisation_id=organisation_id, user_id__in=user_ids, go_live_on__isnull=True)
    )
    if not memberships:
        return 0
    phases = list(
        RolloutPhase.objects.filter(organisation_id=organisation_id)
        .exclude(status=PhaseStatus.PLANNED)
        .prefetch_related("teams", "roles")
        .order_by("go_live_on", "order")
    )
    team_ids: dict[int, set[int]] = {}
    for user_id, team_id in TeamMember.objects.filter(user_id__in=[m.user_id for m in memberships]).values_list(
        "user_id", "team_id"
    ):
        team_ids.setdefault(user_id, set()).add(team_id)
    today = timezone.localdate()
    changed = []
    for membership in memberships:
        for phase in phases:
            covers_team = bool({t.pk for t in phase.teams.all()} & team_ids.get(membership.user_id, set()))
            covers_role = membership.role_id in {r.pk for r in phase.roles.all()}
            if covers_team or covers_role:
                membership.go_live_on = max(phase.go_live_on, today)
                changed.append(membership)
                break
    Membership.objects.bulk_update(changed, ["go_live_on"])
    changed_ids = [m.user_id for m in changed]
    if changed_ids:
        task_enqueue_on_commit("apps.quickwins.tasks.refresh_quickwins_for_users", user_ids=changed_ids)
    return len(changed)


# --- Pipeline stages -------------------------------------------------------------------------

STAGE_OUTCOME_OPEN, STAGE_OUTCOME_WON, STAGE_OUTCOME_LOST = "open", "won", "lost"
STAGE_OUTCOMES = (STAGE_OUTCOME_OPEN, STAGE_OUTCOME_WON, STAGE_OUTCOME_LOST)


def stage_outcome(stage: Stage) -> str:
    return STAGE_OUTCOME_WON if stage.is_won else STAGE_OUTCOME_LOST if stage.is_lost else STAGE_OUTCOME_OPEN


def _stage_errors(
    *, organisation_id: int, name: str, order: int | None, outcome: str, idle_days: int | None,
    existing: Stage | None,
) -> dict[str, list[str]]:
    """Return every reason the stage cannot be saved, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    others = Stage.objects.filter(organisation_id=organisation_id)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if not name.strip():
        errors["name"] = [_("Give the stage a name.")]
    elif others.filter(name__iexact=name.strip()).exists():
        errors["name"] = [_("Another stage is already called “%(name)s”.") % {"name": name.strip()}]
    if order is None or order < 1:
        errors["order"] = [_("The position must be 1 or more.")]
    elif others.filter(order=order).exists():
        errors["order"] = [_("Another stage already has position %(order)d.") % {"order": order}]
    if outcome not in STAGE_OUTCOMES:
        errors["outcome"] = [_("Choose open, won or lost.")]
    elif existing is not None and outcome != stage_outcome(existing) and existing.deals.exists():
        errors["outcome"] = [_("Deals are in this stage: move them before making it open, won or lost.")]
    if idle_days is None or idle_days < 1:
        errors["idle_days"] = [_("A deal needs at least 1 day before it counts as cold.")]
    return errors


@actor_from("actor_id")
@transaction.atomic
def stage_create(
    *, organisation_id: int, actor_id: int | None, name: str, order: int | None, outcome: str,
    next_step: str = "", idle_days: int | None = 14,
) -> Stage:
    """Add a pipeline stage; raise ValidationError (by field) and save nothing when invalid."""
    errors = _stage_errors(organisation_id=organisation_id, name=name, order=order, outcome=outcome,
                           idle_days=idle_days, existing=None)
    if errors:
        raise ValidationError(errors)
    assert order is not None  # checked above
    assert idle_days is not None
    stage = Stage(organisation_id=organisation_id, name=name.strip(), order=order, next_step=next_step.strip(),
                  is_won=outcome == STAGE_OUTCOME_WON, is_lost=outcome == STAGE_OUTCOME_LOST, idle_days=idle_days)
    stage.full_clean()
    stage.save()
    return stage


@actor_from("actor_id")
@transaction.atomic
def stage_update(
    *, stage: Stage, actor_id: int | None, name: str, order: int | None, outcome: str, next_step: str,
    idle_days: int | None,
) -> Stage:
    """Rename, move or reconfigure a stage; its deals and their stage history stay with it.

    The history refers to the stage itself, not its name, so a renamed stage's past moves read
    with the new name; the old name is kept in the audit trail.
    """
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    errors = _stage_errors(organisation_id=locked.organisation_id, name=name, order=order, outcome=outcome,
                           idle_days=idle_days, existing=locked)
    if errors:
        raise ValidationError(errors)
    locked.name, locked.next_step = name.strip(), next_step.strip()
    locked.order, locked.idle_days = order, idle_days  # type: ignore[assignment]
    locked.is_won, locked.is_lost = outcome == STAGE_OUTCOME_WON, outcome == STAGE_OUTCOME_LOST
    locked.full_clean()
    locked.save(update_fields=["name", "order", "is_won", "is_lost", "next_step", "idle_days"])
    return locked


@actor_from("actor_id")
@transaction.atomic
def stage_move(*, stage: Stage, actor_id: int | None, direction: int) -> Stage:
    """Swap a stage's position with its neighbour before (-1) or after (+1); no neighbour, no change."""
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    stages = Stage.objects.select_for_update().filter(organisation_id=locked.organisation_id)
    neighbour = (
        stages.filter(order__lt=locked.order).order_by("-order").first() if direction < 0
        else stages.filter(order__gt=locked.order).order_by("order").first()
    )
    if neighbour is None:
        return locked
    mine, theirs = locked.order, neighbour.order
    # Positions are unique: park this stage at 0 (never a real position) while they swap.
    Stage.objects.filter(pk=locked.pk).update(order=0)
    Stage.objects.filter(pk=neighbour.pk).update(order=mine)
    Stage.objects.filter(pk=locked.pk).update(order=theirs)
    # The swap goes around save() (positions are unique), so it is recorded here, once per stage.
    audit_change_record(instance=locked, changes={"order": (mine, theirs)})
    audit_change_record(instance=neighbour, changes={"order": (theirs, mine)})
    locked.order = theirs
    return locked


@actor_from("actor_id")
@transaction.atomic
def stage_delete(*, stage: Stage, actor_id: int | None) -> None:
    """Delete a stage no deal has ever been in; one with history is kept (rename it instead)."""
    from apps.activities.models import DealStageChange

    used = stage.deals.exists() or DealStageChange.objects.filter(
        models.Q(from_stage=stage) | models.Q(to_stage=stage)
    ).exists()
    if used:
        raise ValidationError(_("Deals have been in this stage, so its history needs it: rename it instead."))
    stage.delete()
