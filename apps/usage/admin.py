"""Django admin: the usage log is append-only, so it is read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from apps.usage.models import UsageEvent


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "user", "kind", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["user__username", "idempotency_key"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: UsageEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: UsageEvent | None = None) -> bool:
        return False
