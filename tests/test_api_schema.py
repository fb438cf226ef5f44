"""The OpenAPI schema generates cleanly and the API docs load without any outside network."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path, capsys) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in ("/api/events/", "/api/activities/", "/api/me/score/", "/api/people/{user_id}/score/",
                 "/api/me/suggestions/", "/api/suggestions/{suggestion_id}/decision/"):
        assert path in schema


def test_api_docs_use_local_assets(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert "cdn.jsdelivr.net" not in body
