"""Django admin: people left out of adoption figures (test accounts, integration users), and paid seats."""

from django.contrib import admin

from apps.adoption.models import ExcludedPerson, SeatAllowance


@admin.register(ExcludedPerson)
class ExcludedPersonAdmin(admin.ModelAdmin):
    list_display = ["user", "reason"]
    search_fields = ["user__username", "user__email", "reason"]
    autocomplete_fields = ["user"]


@admin.register(SeatAllowance)
class SeatAllowanceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "seats", "updated_at"]
