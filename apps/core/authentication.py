"""Login throttling and lockout (django-axes) for the login form, the admin and API basic auth.

Failed logins are counted per username and client address; at the limit that pair is locked
out for a cool-off period (settings AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME). A locked-out login
is refused even with the right password, and answered with a clear message (429).
"""

from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.authentication import BasicAuthentication
from rest_framework.request import Request


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a login while its username and address are locked out.

    A call without a request (the test client's `login()`, a management command) has no client
    to throttle and passes on to the next backend; every login over the network has one.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
    address the outermost one saw (a client cannot forge the entries the proxies append)."""
    count: int = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def _minutes(cool_off: timedelta | None) -> int:
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request: HttpRequest | None = None) -> str:
    """Return the sentence a locked-out person reads."""
    minutes = _minutes(get_cool_off(request))
    if not minutes:
        return _("Too many failed logins. Logging in with this username from your address is blocked; "
                 "ask your administrator to unblock it.")
    return ngettext(
        "Too many failed logins. For your safety, logging in with this username from your address is "
        "paused for %(minutes)d minute. Try again after that, or ask your administrator to unblock it.",
        "Too many failed logins. For your safety, logging in with this username from your address is "
        "paused for %(minutes)d minutes. Try again after that, or ask your administrator to unblock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer a locked-out login form (or script posting to it): 429 with the message."""
    message = lockout_message(request)
    if request.headers.get("x-requested-with") == "XMLHttpRequest" or "json" in request.headers.get("accept", ""):
        return JsonResponse({"detail": message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return render(request, "registration/locked_out.html", {"message": message},
                  status=status.HTTP_429_TOO_MANY_REQUESTS)


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class LockoutBasicAuthentication(BasicAuthentication):
    """DRF basic auth whose failures count towards the lockout, and that says so when locked."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None,
    ) -> tuple[Any, None]:
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            # Axes flags the request it was given (DRF's) when this failure reached the limit
            # or the pair was already locked out.
            if request is not None and getattr(request, "axes_locked_out", False):
                raise LockedOut(detail=lockout_message(request)) from None
            raise
