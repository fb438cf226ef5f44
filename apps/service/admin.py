from django.contrib import admin

from apps.service.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["subject", "account", "status", "channel", "opened_by", "opened_at"]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "account__name"]
    raw_id_fields = ["account", "opened_by", "usage_event"]
