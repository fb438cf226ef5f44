"""The suggestions app's answer to the activity log's "what next?" (see apps.activities.next_steps)."""

from collections.abc import Sequence

from apps.activities.models import Activity
from apps.activities.next_steps import NextStep, NextStepSource
from apps.suggestions.models import Suggestion
from apps.suggestions.services import suggestions_after_activity


def _as_next_step(suggestion: Suggestion) -> NextStep:
    return NextStep(
        pk=suggestion.pk, text=suggestion.text, reason=suggestion.reason, rule=suggestion.rule,
        deal_id=suggestion.deal_id, account_id=suggestion.account_id, created_at=suggestion.created_at,
        status=suggestion.status, status_display=str(suggestion.get_status_display()),
        decided_at=suggestion.decided_at,
    )


def _after_logging(activity: Activity) -> list[NextStep]:
    return [_as_next_step(s) for s in suggestions_after_activity(activity=activity)]


def _shown_again(user_id: int, ids: Sequence[int]) -> list[NextStep]:
    return [_as_next_step(s) for s in Suggestion.objects.filter(pk__in=list(ids), user_id=user_id).order_by("pk")]


SUGGESTIONS_AS_NEXT_STEPS = NextStepSource(after_logging=_after_logging, shown_again=_shown_again)
