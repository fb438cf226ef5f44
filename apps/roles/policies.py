"""Who may see what. Every page and API view asks these functions; nothing else decides.

Reps see their own data; managers see the members of the teams they manage; project leads
see configuration and aggregates of their organisation, never one person's page.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from apps.roles.models import Membership, RoleKind, TeamMember

AnyUser = User | AbstractBaseUser | AnonymousUser

# The one attribute this module keeps on a user object (see `_policy_cache`).
POLICY_CACHE_ATTRIBUTE = "_roles_policy_cache"


def _policy_cache(user: AnyUser) -> dict[str, Any]:
    """Return the answers already looked up for this user object, creating the store on first use.

    Pages ask the same questions many times per request. Like Django's ModelBackend with its
    `_perm_cache`, the answers live on the user object; `request.user` is built afresh for every
    request, so they live exactly as long as the request. A user object fetched again (for example
    after changing someone's teams) starts with an empty store.
    """
    cache: dict[str, Any] | None = getattr(user, POLICY_CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, POLICY_CACHE_ATTRIBUTE, cache)
    return cache


def _cached(user: AnyUser, name: str, compute: Callable[[], Any]) -> Any:
    """Return the cached answer `name` for this user object, computing it once."""
    cache = _policy_cache(user)
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def membership_of(user: AnyUser) -> Membership | None:
    """Return the user's membership, or None for anonymous people and people without a role."""
    if not user.is_authenticated:
        return None
    membership: Membership | None = _cached(
        user,
        "membership",
        lambda: Membership.objects.select_related("role", "organisation").filter(user_id=user.pk).first(),
    )
    return membership


def member_membership(user: AnyUser) -> Membership:
    """Return the membership of someone a role decorator let in; 404 if a view forgot its decorator.

    Views behind `member_required`, `project_lead_required` and the like call this instead of
    checking `membership_of` for None themselves.
    """
    membership = membership_of(user)
    if membership is None:
        raise Http404
    return membership


def member_organisation_id(user: AnyUser) -> int:
    """Return the organisation of someone a role decorator let in (see `member_membership`)."""
    return member_membership(user).organisation_id


def role_kind_of(user: AnyUser) -> str | None:
    membership = membership_of(user)
    return membership.role.kind if membership else None


def is_project_lead(user: AnyUser) -> bool:
    return role_kind_of(user) == RoleKind.PROJECT_LEAD


def is_manager(user: AnyUser) -> bool:
    return managed_team_ids(user) != []


def managed_team_ids(user: AnyUser) -> list[int]:
    """Return the ids of the teams this user manages."""
    if not user.is_authenticated:
        return []
    team_ids: list[int] = _cached(
        user,
        "managed_team_ids",
        lambda: list(TeamMember.objects.filter(user_id=user.pk, is_manager=True).values_list("team_id", flat=True)),
    )
    return team_ids


def managed_users(manager: AnyUser) -> QuerySet[User]:
    """Return the users in the teams this user manages (not the manager themself)."""
    if manager.pk is None:
        return User.objects.none()
    return (
        User.objects.filter(team_memberships__team_id__in=managed_team_ids(manager), team_memberships__is_manager=False)
        .exclude(pk=manager.pk)
        .distinct()
    )


def organisation_users(user: AnyUser) -> QuerySet[User]:
    """Return everyone with a role in the user's organisation."""
    membership = membership_of(user)
    if membership is None:
        return User.objects.none()
    return User.objects.filter(memberships__organisation_id=membership.organisation_id)


# Accounts are company data: those who talk to customers and those who coach them may read them.
ACCOUNT_READER_KINDS = frozenset({RoleKind.SERVICE_AGENT, RoleKind.SALES_REP, RoleKind.MANAGER})
# Campaign reports are aggregates over deals: those who plan and coach may read them.
CAMPAIGN_REPORT_READER_KINDS = frozenset({RoleKind.MARKETER, RoleKind.MANAGER, RoleKind.PROJECT_LEAD})


def can_read_accounts(user: AnyUser) -> bool:
    return role_kind_of(user) in ACCOUNT_READER_KINDS or (membership_of(user) is not None and is_manager(user))


def can_log_cases(user: AnyUser) -> bool:
    return role_kind_of(user) == RoleKind.SERVICE_AGENT


def can_manage_campaigns(user: AnyUser) -> bool:
    return role_kind_of(user) == RoleKind.MARKETER


def can_read_campaign_reports(user: AnyUser) -> bool:
    return role_kind_of(user) in CAMPAIGN_REPORT_READER_KINDS or (
        membership_of(user) is not None and is_manager(user)
    )


def can_view_person(viewer: AnyUser, subject_id: int) -> bool:
    """Return whether `viewer` may open the personal data of user `subject_id`."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == subject_id:
        return True
    # Project leads see configuration and aggregates, never another person's page.
    return managed_users(viewer).filter(pk=subject_id).exists()


def can_view_team(viewer: AnyUser, team_id: int) -> bool:
    """Return whether `viewer` may open a team's per-person page: only its managers may."""
    return team_id in managed_team_ids(viewer)


def get_person_or_404(viewer: AnyUser, subject_id: int) -> User:
    """Return the user `subject_id` if `viewer` may see them; 404 otherwise (no existence leak)."""
    if not can_view_person(viewer, subject_id):
        raise Http404
    return User.objects.get(pk=subject_id)
