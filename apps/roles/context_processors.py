from typing import Any

from django.http import HttpRequest

from apps.roles.policies import is_manager, membership_of


def viewer_role(request: HttpRequest) -> dict[str, Any]:
    """Expose the viewer's role to templates so navigation shows only what they may open."""
    membership = membership_of(request.user)
    return {
        "viewer_membership": membership,
        "viewer_role_kind": membership.role.kind if membership else None,
        "viewer_is_manager": is_manager(request.user),
    }
