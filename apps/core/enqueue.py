"""Enqueue a Celery task by its registered name once the current transaction commits.

Services call this instead of importing a `tasks.py`: tasks import services, so the
dependency points one way only (import-linter's `services-never-import-tasks` contract keeps
it so). Each app whose services enqueue its tasks imports its `tasks` module in
`AppConfig.ready()`, so the name is registered in every process before a request runs.

A broker outage never fails the write that asked for the task: the committed rows stand, the
refused publish is logged, and the periodic job named in `CATCH_UP` finds the work from the data.
"""

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# Task → the periodic job that catches up its work when the broker refused it (see the beat schedule).
CATCH_UP = {
    "apps.givegets.tasks.classify_contracts": "the daily classify-contracts run",
    "apps.quickwins.tasks.refresh_quickwins_for_users": "the hourly refresh-quickwins run",
    "apps.quickwins.tasks.refresh_quickwins_for_milestones": "the hourly refresh-quickwins run",
    "apps.imports.tasks.run_import": "the resume-stalled-imports run",
    # A role's new values: each person's next event (their drain) and Monday's period close.
    "apps.scoring.tasks.backfill_score_history": "the backfill-score-history run every 5 minutes",
    "apps.scoring.tasks.recompute_user_scores": "each person's next refresh and the Monday period close",
}


def task_send(task: Any, /, **kwargs: Any) -> bool:
    """Send `task` now; return False (and log why) when the broker refuses it."""
    try:
        task.delay(**kwargs)
    except Exception:  # any broker or transport error: the catch-up job finds the work later
        catch_up = CATCH_UP.get(task.name, "its periodic job")
        logger.warning("Could not enqueue %s; %s catches it up.", task.name, catch_up, exc_info=True)
        return False
    return True


def task_enqueue_on_commit(name: str, /, **kwargs: Any) -> None:
    """Enqueue the task registered as `name` with `kwargs` after commit; a broker outage is logged.

    The task is looked up now, so a wrong name fails at the call (a KeyError), not after commit.
    """
    task = current_app.tasks[name]
    transaction.on_commit(lambda: task_send(task, **kwargs))
