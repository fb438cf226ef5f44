"""Health of what the product needs to serve people: the database, the cache and the broker.

Each check runs with a short timeout and reports only whether it worked, how long it took and,
when it failed, the kind of error (never its message, which may carry addresses or credentials).
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        result: dict[str, object] = {"ok": self.ok, "ms": round(self.milliseconds, 1)}
        if self.error:
            result["error"] = self.error
        return result


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("database answered SELECT 1 wrongly")


def check_cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("cache did not return what was stored")
    finally:
        cache.delete(key)


def check_broker() -> None:
    # The broker the tasks go to (memory:// in the embedded default, Redis otherwise).
    with current_app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_check(name: str, check: Callable[[], None]) -> CheckResult:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure of a dependency is a failed check, whatever its kind
        logger.warning("health check %s failed", name, exc_info=True)
        return CheckResult(name=name, ok=False, milliseconds=(time.monotonic() - started) * 1000,
                           error=type(exc).__name__)
    return CheckResult(name=name, ok=True, milliseconds=(time.monotonic() - started) * 1000)


def health_report() -> tuple[bool, dict[str, object]]:
    """Return whether everything is healthy, and the report to show."""
    results = [run_check(name, check) for name, check in CHECKS.items()]
    healthy = all(r.ok for r in results)
    failed = [r.name for r in results if not r.ok]
    report: dict[str, object] = {
        "status": "ok" if healthy else "fail",
        "checks": {r.name: r.as_dict() for r in results},
    }
    if failed:
        report["failed"] = failed
    return healthy, report
