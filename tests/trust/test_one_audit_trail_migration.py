"""Upgrading keeps the history: the people pages' old audit rows move into the one trail."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roles", "0002_role_wiifm_names_unique_audit_entries"), ("trust", "0002_audit_entries")]
AFTER = [("roles", "0003_one_audit_trail"), ("trust", "0003_one_audit_trail")]


@pytest.mark.django_db(transaction=True)
def test_old_role_stage_and_person_rows_become_entries_of_the_trail() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation = old.get_model("roles", "Organisation").objects.create(name="Upgraded ApS")
    lead = old.get_model("auth", "User").objects.create(username="lead", first_name="Lene")
    at = dt.datetime(2026, 5, 4, 10, 30, tzinfo=dt.UTC)
    rows = old.get_model("roles", "AuditEntry").objects
    rows.create(organisation=organisation, actor=lead, at=at, target_type="role", target_id=7,
                target_label="Inside sales", field="created", old_value="", new_value="Inside sales")
    rows.create(organisation=organisation, actor=lead, at=at, target_type="role", target_id=7,
                target_label="Inside sales", field="entry_cap_seconds", old_value="600", new_value="120")
    rows.create(organisation=organisation, actor=None, at=at, target_type="person", target_id=lead.pk,
                target_label="Lene", field="team", old_value="", new_value="joined North")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    entries = list(new.get_model("trust", "AuditEntry").objects.order_by("pk").values(
        "content_type__model", "object_pk", "object_repr", "action", "changes", "actor_id", "timestamp",
        "organisation_id", "additional_data"))

    assert entries == [
        {"content_type__model": "role", "object_pk": "7", "object_repr": "Inside sales", "action": 0, "changes": {},
         "actor_id": lead.pk, "timestamp": at, "organisation_id": organisation.pk, "additional_data": None},
        {"content_type__model": "role", "object_pk": "7", "object_repr": "Inside sales", "action": 1,
         "changes": {"entry_cap_seconds": ["600", "120"]}, "actor_id": lead.pk, "timestamp": at,
         "organisation_id": organisation.pk, "additional_data": None},
        {"content_type__model": "user", "object_pk": str(lead.pk), "object_repr": "Lene", "action": 1,
         "changes": {"team": ["", "joined North"]}, "actor_id": None, "timestamp": at,
         "organisation_id": organisation.pk, "additional_data": {"user_id": lead.pk}},
    ]
    assert "roles_auditentry" not in connection.introspection.table_names()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
