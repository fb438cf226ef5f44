from typing import Any

from django.http import HttpRequest

from apps.core.navigation import AUDIENCE_LEAD, AUDIENCE_MANAGER, AUDIENCE_MEMBER, navigation_for
from apps.roles.models import RoleKind
from apps.roles.policies import AnyUser, is_manager, is_project_lead, membership_of, role_kind_of


def viewer_role(request: HttpRequest) -> dict[str, Any]:
    """Expose the viewer's role to templates so navigation shows only what they may open."""
    membership = membership_of(request.user)
    return {
        "viewer_membership": membership,
        "viewer_role_kind": membership.role.kind if membership else None,
        "viewer_is_manager": is_manager(request.user),
    }


def in_audience(user: AnyUser, audience: str) -> bool:
    """Return whether `user` belongs to a navigation audience; raise ValueError for an unknown one."""
    if audience == AUDIENCE_MEMBER:
        return role_kind_of(user) is not None
    if audience == AUDIENCE_MANAGER:
        return is_manager(user)
    if audience == AUDIENCE_LEAD:
        return is_project_lead(user)
    if audience in RoleKind.values:
        return role_kind_of(user) == audience
    raise ValueError(f"Unknown navigation audience {audience!r}.")


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return the navigation entries this person may open (apps.core.navigation lists them)."""
    if not request.user.is_authenticated:
        return {"nav_mine": [], "nav_work": []}
    return navigation_for(path=request.path, may_open=lambda audience: in_audience(request.user, audience))
