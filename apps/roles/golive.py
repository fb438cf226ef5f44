"""When the CRM went live for a person: their own date, else what the rollout says.

`roles` sits below `rollout`, so the rollout app registers how it answers (the earliest started
phase covering a person's teams or role, and whether an organisation runs phases at all) in its
AppConfig.ready; the apps that need a go-live date (pulse, quick wins, onboarding) ask here.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from apps.roles.models import Membership


@dataclass(frozen=True)
class RolloutView:
    phase_go_live: Callable[[Membership], dt.date | None]
    runs_phases: Callable[[int], bool]


_rollout: RolloutView | None = None


def register_rollout_view(view: RolloutView) -> None:
    """Called once by the rollout app; a second call replaces the first (tests, reloads)."""
    global _rollout
    _rollout = view


def go_live_of(*, user_id: int) -> dt.date | None:
    """Return the person's go-live date: their own, or that of the earliest started phase covering them.

    Someone who joined after their phase went live starts on the day they joined, never before.
    """
    membership = Membership.objects.filter(user_id=user_id).select_related("user").first()
    if membership is None:
        return None
    if membership.go_live_on is not None:
        return membership.go_live_on
    phase_go_live = _rollout.phase_go_live(membership) if _rollout is not None else None
    if phase_go_live is None:
        return None
    return max(phase_go_live, timezone.localtime(membership.user.date_joined).date())


def live_since(*, user_id: int) -> dt.date | None:
    """Since when the person has been live: their go-live, or when they joined if no phase has one.

    An organisation that runs no phases has everyone live from the day they get access.
    """
    go_live = go_live_of(user_id=user_id)
    if go_live is not None:
        return go_live
    membership = Membership.objects.filter(user_id=user_id).select_related("user").first()
    if membership is None or (_rollout is not None and _rollout.runs_phases(membership.organisation_id)):
        return None  # phases exist and none covers them yet: not live
    return timezone.localtime(membership.user.date_joined).date()
