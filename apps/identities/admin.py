from django.contrib import admin

from apps.identities.models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ("external_id", "source", "user", "organisation", "created_at")
    list_filter = ("source", "organisation")
    search_fields = ("external_id", "user__username", "user__email")
    raw_id_fields = ("user",)
