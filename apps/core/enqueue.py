"""Sending a task after commit without ever failing the write that asked for it.

A broker outage must not turn a committed write into a 500: the enqueue failure is logged
and the work is left to the periodic job named in `catch_up`, which finds it from the data.
"""

import functools
import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_now(task: Any, /, *args: Any, catch_up: str, **kwargs: Any) -> bool:
    """Send `task` now; return False (and log why) when the broker refuses it."""
    try:
        task.delay(*args, **kwargs)
    except Exception:  # any broker or transport error: the catch-up job finds the work later
        logger.warning("Could not enqueue %s; %s catches it up.", task.name, catch_up, exc_info=True)
        return False
    return True


def enqueue_on_commit(task: Any, /, *args: Any, catch_up: str, **kwargs: Any) -> None:
    """Send `task` once the current transaction commits; a broker outage is logged, never raised."""
    transaction.on_commit(functools.partial(enqueue_now, task, *args, catch_up=catch_up, **kwargs))
