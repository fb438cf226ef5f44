"""Django admin: the usage log is append-only, so it is read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from apps.usage.models import DailyRollup, RefreshMark, UsageEvent


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


@admin.register(RefreshMark)
class RefreshMarkAdmin(admin.ModelAdmin):
    """Who waits for a refresh, and since when (a backlog that does not shrink means no worker)."""

    list_display = ["user", "since", "marked_at"]
    ordering = ["marked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RefreshMark | None = None) -> bool:
        return False


@admin.register(DailyRollup)
class DailyRollupAdmin(admin.ModelAdmin):
    """What scoring reads per person, day and kind; derived from the log, so read-only."""

    list_display = ["day", "user", "kind", "events", "measured", "capped_seconds", "cap_seconds"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DailyRollup | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DailyRollup | None = None) -> bool:
        return False
