"""Backup and restore as docs/operations.md describes it: `pg_dump -Fc`, then `pg_restore` into a
fresh database, and every table holds the same rows.

PostgreSQL only (DATABASE_URL=postgres://…). Without it the test is skipped with a reason; with
REQUIRE_SERVICES=1 (CI) a missing PostgreSQL or missing pg_dump/pg_restore fails the run instead.
"""

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
BINARIES = {tool: shutil.which(tool) or tool for tool in ("pg_dump", "pg_restore", "psql", "createdb", "dropdb")}
TOOLS = all(shutil.which(tool) for tool in BINARIES)

if not (POSTGRES and TOOLS):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise RuntimeError("REQUIRE_SERVICES=1 but DATABASE_URL is not postgres or pg_dump/pg_restore/psql are missing")
    pytestmark = pytest.mark.skip(reason="needs DATABASE_URL=postgres://… and the PostgreSQL client tools")
else:
    pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _client_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the test database's own connection settings."""
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _psql(database: str, sql: str) -> str:
    args, env = _client_env()
    result = subprocess.run([BINARIES["psql"], *args, "-d", database, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            env=env, check=True, capture_output=True, text=True, timeout=60)
    return result.stdout.strip()


def _snapshot(database: str) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and a digest of its rows."""
    tables = _psql(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    snapshot: dict[str, tuple[int, str]] = {}
    for table in tables:
        count, digest = _psql(
            database,
            # The names come from pg_tables, not from input.
            f'SELECT count(*), coalesce(md5(string_agg(t::text, \'|\' ORDER BY t::text)), \'\') FROM "{table}" t',  # noqa: S608
        ).split("|")
        snapshot[table] = (int(count), digest)
    return snapshot


def _sequences(database: str) -> dict[str, str]:
    rows = _psql(database, "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
                           "WHERE schemaname = 'public' ORDER BY 1")
    return dict(line.split("|") for line in rows.splitlines())


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    args, env = _client_env()
    subprocess.run([BINARIES["createdb"], *args, name], env=env, check=True, timeout=60)
    try:
        yield name
    finally:
        subprocess.run([BINARIES["dropdb"], *args, "--if-exists", name], env=env, check=True, timeout=60)


def test_pg_dump_and_pg_restore_into_a_fresh_database_keep_every_row(
    scratch_database: str, tmp_path: Path, capsys: Any,
) -> None:
    call_command("seed_demo")
    capsys.readouterr()
    source = connection.settings_dict["NAME"]
    connection.close()  # nothing of ours is left open in the dump's snapshot

    args, env = _client_env()
    dump = tmp_path / "crm.dump"
    # The commands of docs/operations.md ("Backup and restore").
    subprocess.run([BINARIES["pg_dump"], *args, "-Fc", "--no-owner", "-f", str(dump), source],
                   env=env, check=True, timeout=120)
    subprocess.run([BINARIES["pg_restore"], *args, "--no-owner", "--exit-on-error", "-d", scratch_database, str(dump)],
                   env=env, check=True, timeout=120)

    before, after = _snapshot(source), _snapshot(scratch_database)
    model_tables = set(connection.introspection.django_table_names())
    assert model_tables <= set(before), "a model's table is missing from the source database"
    assert set(after) == set(before)
    differing = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
    assert not differing, f"tables whose rows differ after the restore: {differing}"
    # The seed filled the tables that matter, so equal counts are not zero against zero.
    for table in ("roles_organisation", "auth_user", "usage_usageevent", "scoring_scoresnapshot",
                  "django_migrations"):
        assert before[table][0] > 0, table
    # Sequences come back too: the next row written after a restore does not collide.
    assert _sequences(scratch_database) == _sequences(source)
