from django.db.models import QuerySet

from apps.suggestions.models import Suggestion, SuggestionStatus


def open_suggestions(*, user_id: int, limit: int = 10) -> QuerySet[Suggestion]:
    """Return the user's open next actions, newest first."""
    return Suggestion.objects.filter(user_id=user_id, status=SuggestionStatus.OPEN).select_related(
        "deal", "account"
    )[:limit]
