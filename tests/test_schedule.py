"""Every periodic job in the beat schedule names a task that exists, and expires before it recurs."""

import pytest
from django.conf import settings

from crm_adoption.celery import app


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entry_names_a_registered_task(name: str) -> None:
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"
    assert entry["options"]["expires"] > 0


def test_tasks_acknowledge_late_and_are_redelivered_when_a_worker_dies() -> None:
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
