from django.urls import path

from apps.suggestions.api import MySuggestionsApi, SuggestionDecisionApi

urlpatterns = [
    path("me/suggestions/", MySuggestionsApi.as_view(), name="api-my-suggestions"),
    path("suggestions/<int:suggestion_id>/decision/", SuggestionDecisionApi.as_view(), name="api-suggestion-decision"),
]
