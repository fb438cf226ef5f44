from django.contrib import admin

from apps.suggestions.models import SuggestionRule


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "stage", "idle_days", "enabled"]
    list_filter = ["organisation", "kind", "enabled"]
