"""The next-action API: only your own suggestions, decided once, an acceptance is a consumed get."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.activities.services import activity_log
from apps.givegets.models import Delivery
from apps.suggestions.models import SuggestionStatus
from apps.suggestions.services import suggestions_after_activity
from tests import factories

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _suggestion(world: Any) -> Any:
    account = factories.AccountFactory(organisation=world.org)
    deal = factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1])
    activity, _ = activity_log(owner_id=world.rita.pk, type="meeting", account=account, deal=deal, summary="x")
    [suggestion] = suggestions_after_activity(activity=activity)
    return suggestion


def test_a_rep_lists_and_accepts_her_own_suggestion(world: Any) -> None:
    suggestion = _suggestion(world)
    listed = _api(world.rita).get("/api/me/suggestions/").json()
    assert [s["id"] for s in listed] == [suggestion.pk]

    response = _api(world.rita).post(f"/api/suggestions/{suggestion.pk}/decision/", {"decision": "accept"})

    assert response.status_code == 200
    assert response.json()["status"] == SuggestionStatus.ACCEPTED
    # Accepted is not yet a get: only acting on it (logging on the deal) consumes the delivery.
    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is None
    again = _api(world.rita).post(f"/api/suggestions/{suggestion.pk}/decision/", {"decision": "dismiss"})
    assert again.json()["status"] == SuggestionStatus.ACCEPTED  # the first decision stands


@pytest.mark.parametrize("who", ["ronja", "mads", "lene"])
def test_nobody_else_sees_or_decides_a_reps_suggestion(world: Any, who: str) -> None:
    suggestion = _suggestion(world)
    other = _api(getattr(world, who))
    assert other.get("/api/me/suggestions/").json() == []
    assert other.post(f"/api/suggestions/{suggestion.pk}/decision/", {"decision": "accept"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_a_bad_decision_is_refused_with_a_clear_message(world: Any) -> None:
    suggestion = _suggestion(world)
    response = _api(world.rita).post(f"/api/suggestions/{suggestion.pk}/decision/", {"decision": "maybe"})
    assert response.status_code == 400
    assert "decision" in response.json()


def test_anonymous_callers_are_refused(world: Any) -> None:
    assert APIClient().get("/api/me/suggestions/").status_code == 403
