"""Requests made with an integration key: permission per scope, throttling per key."""

from typing import Any

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_api_key.permissions import BaseHasAPIKey, KeyParser

from apps.integrations.models import IntegrationKey, KeyScope


def integration_key_of(request: Request) -> IntegrationKey | None:
    """Return the valid (unrevoked, unexpired) key the request carries, or None."""
    cached = getattr(request, "_integration_key", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    raw = KeyParser().get(request)
    if not raw:
        return None
    try:
        key = IntegrationKey.objects.get_from_key(raw)
    except IntegrationKey.DoesNotExist:
        return None
    if key.has_expired:
        return None
    assert isinstance(key, IntegrationKey)
    request._integration_key = key  # type: ignore[attr-defined]
    return key


class HasScopedIntegrationKey(BaseHasAPIKey):
    """Let in requests with a valid key of the view's `required_scope`; note the key's last use."""

    model = IntegrationKey

    def has_permission(self, request: Request, view: Any) -> bool:  # type: ignore[override]
        key = integration_key_of(request)
        if key is None or getattr(view, "required_scope", KeyScope.READ) not in key.scopes:
            return False
        IntegrationKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return True


class IntegrationKeyThrottle(SimpleRateThrottle):
    """Rate limit per integration key (the cache: Redis when REDIS_URL is set)."""

    scope = "integration_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = integration_key_of(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}
