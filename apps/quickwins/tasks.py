"""Quick-win jobs: refreshing stored results and nudging before deadlines. All idempotent."""

import datetime as dt
from collections.abc import Mapping

from celery import shared_task
from django.db import OperationalError

from apps.quickwins import services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def refresh_quickwin_results() -> int:
    """Store every person's quick-win status (deadlines pass by the hour)."""
    return services.quickwin_results_refresh()


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def refresh_quickwins_for_users(*, user_ids: list[int]) -> int:
    """Store these people's quick-win statuses, e.g. right after they logged something."""
    return services.quickwin_results_refresh(user_ids=user_ids)


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def refresh_quickwins_for_milestones(*, milestone_ids: list[int]) -> int:
    """Store everyone's status on these milestones, e.g. after the lead changed one."""
    return services.quickwin_results_refresh(milestone_ids=milestone_ids)


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def send_deadline_nudges() -> int:
    """Nudge people (and their team's ambassadors) two days before a quick-win deadline."""
    return services.deadline_nudges_send()


def quickwins_refresh_marked(since_by_user: Mapping[int, dt.datetime]) -> int:
    """Refresh consumer of the usage log: store the quick-win statuses of people with new events."""
    return services.quickwin_results_refresh(user_ids=sorted(since_by_user))
