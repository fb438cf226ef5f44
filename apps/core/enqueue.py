"""Enqueue a Celery task by its registered name once the current transaction commits.

Services call this instead of importing a `tasks.py`: tasks import services, so the
dependency points one way only (import-linter's `services-never-import-tasks` contract keeps
it so). Each app whose services enqueue its tasks imports its `tasks` module in
`AppConfig.ready()`, so the name is registered in every process before a request runs.
"""

from typing import Any

from celery import current_app
from django.db import transaction


def task_enqueue_on_commit(name: str, /, **kwargs: Any) -> None:
    """Enqueue the task registered as `name` with `kwargs` after commit.

    The task is looked up now, so a wrong name fails at the call (a KeyError), not after commit.
    """
    task = current_app.tasks[name]
    transaction.on_commit(lambda: task.delay(**kwargs))
