"""Django admin: integration keys (revocable, never shown again) and events held for an unknown identity."""

from django.contrib import admin
from django.http import HttpRequest
from rest_framework_api_key.admin import APIKeyModelAdmin

from apps.integrations.models import HeldEvent, IntegrationKey


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "organisation", "last_used_at")  # type: ignore[assignment]
    list_filter = (*APIKeyModelAdmin.list_filter, "organisation")  # type: ignore[assignment]


@admin.register(HeldEvent)
class HeldEventAdmin(admin.ModelAdmin):
    """Read-only: held events are replayed by mapping the identity on the unmapped-identities page."""

    list_display = ["held_at", "organisation", "identity_source", "external_id", "kind", "replayed_at"]
    list_filter = ["identity_source", "kind"]
    search_fields = ["external_id", "idempotency_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HeldEvent | None = None) -> bool:
        return False
