"""Browser logins are usage: one `login` event per session."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record


def record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record a login usage event, keyed by the session so a repeated signal is a no-op."""
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    usage_event_record(
        user_id=user.pk,
        kind=EventKind.LOGIN,
        occurred_at=timezone.now(),
        source=EventSource.APP,
        idempotency_key=f"login:{request.session.session_key}",
    )
