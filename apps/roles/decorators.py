"""View guards built on `policies`: the one place that decides who may open a page."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.roles.models import Membership
from apps.roles.policies import AnyUser, is_manager, is_project_lead, membership_of

View = Callable[..., HttpResponse]


def membership_allowed(user: AnyUser, permission: Callable[[AnyUser], bool]) -> Membership:
    """Return the user's membership when `permission(user)` holds; raise PermissionDenied (403) otherwise."""
    membership = membership_of(user)
    if membership is None or not permission(user):
        raise PermissionDenied
    return membership


def member_required(view: View) -> View:
    """Let in any signed-in person with a role; 403 for accounts without one."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if membership_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def manager_required(view: View) -> View:
    """Let in people who manage at least one team."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def project_lead_required(view: View) -> View:
    """Let in project leads only (configuration and organisation-wide aggregates)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_project_lead(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
