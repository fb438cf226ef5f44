"""Services enqueue tasks by name (apps.core.enqueue): every name they use is a registered task."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from celery import current_app

from apps.core.enqueue import task_enqueue_on_commit
from apps.givegets.services import CLASSIFY_TASK
from apps.imports.services import RUN_TASK
from apps.quickwins.services import REFRESH_MILESTONES_TASK
from apps.usage.services import DRAIN_TASK

NAMES = [CLASSIFY_TASK, RUN_TASK, REFRESH_MILESTONES_TASK, DRAIN_TASK, "apps.quickwins.tasks.refresh_quickwins_for_users"]


def test_every_task_name_a_service_enqueues_is_registered_at_startup() -> None:
    # A fresh process, as a web worker starts: only django.setup(), no test module imported tasks.
    script = "import django; django.setup(); from celery import current_app; print(sorted(current_app.tasks))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm_adoption.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    registered = result.stdout
    missing = [name for name in NAMES if repr(name) not in registered]
    assert missing == []


def test_an_unknown_task_name_fails_at_the_call_not_after_commit(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(KeyError):
        task_enqueue_on_commit("apps.nowhere.tasks.missing", user_ids=[1])
    assert callbacks == []


def test_the_task_runs_with_the_keyword_arguments_after_commit(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    seen: list[dict[str, Any]] = []

    @current_app.task(name="tests.core.record_kwargs")
    def record_kwargs(**kwargs: Any) -> None:
        seen.append(kwargs)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task_enqueue_on_commit("tests.core.record_kwargs", user_ids=[7])
    assert seen == []  # nothing runs before commit
    for callback in callbacks:
        callback()
    assert seen == [{"user_ids": [7]}]
