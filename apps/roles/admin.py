"""Django admin: every model of this app, listed for support and first-run fixes."""

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from apps.roles.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is evidence: readable here, never edited or deleted."""

    list_display = ("at", "organisation", "actor", "target_type", "target_label", "field", "old_value", "new_value")
    list_filter = ("target_type", "field")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for model in apps.get_app_config("roles").get_models():
    if not admin.site.is_registered(model):
        admin.site.register(model)
