from django.contrib import admin

from apps.ambassadors.models import Kudos


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ("created_at", "giver", "receiver", "organisation")
    list_filter = ("organisation",)
    readonly_fields = ("delivery", "idempotency_key")
