"""Run the same submit twice, the second arriving before the first has committed."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction


def submit_twice_racing(action: Callable[[], Any]) -> tuple[Any, Any]:
    """Return (first result, second result); an exception raised by either is returned instead.

    The first call holds its transaction open until the second has started and is waiting for
    the first one's lock, which is the window a double-clicked form falls into.
    """
    first_saved, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def submit(name: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[name] = action()
                if hold:
                    first_saved.set()
                    release.wait(5)
        except Exception as error:  # returned to the test, which asserts on it
            results[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=submit, args=("first",), kwargs={"hold": True})
    first.start()
    assert first_saved.wait(5)
    second = threading.Thread(target=submit, args=("second",), kwargs={"hold": False})
    second.start()
    time.sleep(0.5)  # the second submit is now waiting for the first one's lock
    release.set()
    first.join(10)
    second.join(10)
    return results["first"], results["second"]
