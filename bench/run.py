"""Run the benchmarks in bench/bench_*.py against a throw-away test database.

Each module has `main() -> None` and prints its own figures. Usage:
    make bench                 # all benchmarks
    make bench BENCH=scoring   # bench/bench_scoring.py only
On PostgreSQL set DATABASE_URL; the default is SQLite (a file, so sizes are realistic).
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_adoption.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    test_settings = connections["default"].settings_dict["TEST"]
    if connections["default"].vendor == "sqlite":
        # A file database: in-memory SQLite would flatter the figures.
        test_settings["NAME"] = str(ROOT / f"bench-db-{os.getpid()}.sqlite3")
    else:
        # Its own database, so a test run at the same time cannot drop it.
        test_settings["NAME"] = f"bench_crm_adoption_{os.getpid()}"
    from crm_adoption.celery import app

    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    only = os.environ.get("BENCH") or (sys.argv[1] if len(sys.argv) > 1 else "")
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if only:
        names = [n for n in names if n == f"bench_{only}"]
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    config = setup_databases(verbosity=0, interactive=False)
    try:
        for name in names:
            started = time.perf_counter()
            print(f"== {name}")
            importlib.import_module(f"bench.{name}").main()
            print(f"   ({time.perf_counter() - started:.1f} s in all)")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
