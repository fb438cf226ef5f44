from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request that a login-requiring decorator has let through: `user` is a real User."""

    user: User


def authenticated_user(request: HttpRequest) -> User:
    """Return the request's user where authentication is already enforced (DRF IsAuthenticated)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("An authenticated user is required here.")
    return user
