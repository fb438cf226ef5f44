"""Who may see what. Every page and API view asks these functions; nothing else decides.

Reps see their own data; managers see the members of the teams they manage; project leads
see configuration and aggregates of their organisation, never one person's page.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from apps.roles.models import Membership, RoleKind, TeamMember

User = get_user_model()
AnyUser = AbstractBaseUser | AnonymousUser


def membership_of(user: AnyUser) -> Membership | None:
    """Return the user's membership (cached on the user object), or None."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_membership_cache", "unset")
    if cached != "unset":
        return cached  # type: ignore[no-any-return]
    membership = Membership.objects.select_related("role", "organisation").filter(user=user).first()
    user._membership_cache = membership  # type: ignore[union-attr]
    return membership


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
    cached = getattr(user, "_managed_team_ids", None)
    if cached is None:
        cached = list(TeamMember.objects.filter(user=user, is_manager=True).values_list("team_id", flat=True))
        user._managed_team_ids = cached  # type: ignore[union-attr]
    return cached


def managed_users(manager: AnyUser) -> QuerySet:
    """Return the users in the teams this user manages (not the manager themself)."""
    return (
        User.objects.filter(team_memberships__team_id__in=managed_team_ids(manager), team_memberships__is_manager=False)
        .exclude(pk=manager.pk)
        .distinct()
    )


def organisation_users(user: AnyUser) -> QuerySet:
    membership = membership_of(user)
    if membership is None:
        return User.objects.none()
    return User.objects.filter(memberships__organisation_id=membership.organisation_id)


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


def visible_people(viewer: AnyUser) -> QuerySet:
    """Return every user whose personal data `viewer` may open, themself included."""
    if not viewer.is_authenticated:
        return User.objects.none()
    return User.objects.filter(pk__in=[viewer.pk, *managed_users(viewer).values_list("pk", flat=True)])


def get_person_or_404(viewer: AnyUser, subject_id: int) -> "User":  # type: ignore[valid-type]
    """Return the user `subject_id` if `viewer` may see them; 404 otherwise (no existence leak)."""
    if not can_view_person(viewer, subject_id):
        raise Http404
    return User.objects.get(pk=subject_id)
