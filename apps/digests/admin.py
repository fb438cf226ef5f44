from django.contrib import admin

from apps.digests.models import Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["user", "week_start", "sent_at", "opened_at"]
    list_filter = ["week_start"]
    readonly_fields = ["content", "delivery"]
