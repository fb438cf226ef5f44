"""Schemathesis against our own OpenAPI schema: no server error and nothing outside the schema.

Every operation of the schema gets generated requests — valid and invalid bodies, odd
parameters — sent through the WSGI application as a signed-in person (Basic auth) or, for the
integration endpoints, with an integration key. Each answer must not be a 5xx, and its status,
content type and body must be what the schema documents. Bounded: a few examples per operation.
"""

import base64
import contextlib
import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from apps.core.log import clear_request_id
from apps.integrations.services import integration_key_create
from tests.conftest import World

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 12
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def _spec(world: World) -> dict[str, object]:
    response = world.client_for(world.rita).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return json.loads(response.content)


def _basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:pw-for-tests".encode()).decode()


def test_the_schema_is_only_for_signed_in_people() -> None:
    assert Client().get("/api/schema/").status_code in (401, 403)


def _fuzz(operation: schemathesis.APIOperation, app: object, auth: str) -> list[str]:
    """Send generated requests to one operation; return what broke the schema or the server."""
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call(app=app, headers={"Authorization": auth})
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {' '.join(str(error).split())[:400]}")
            raise

    with contextlib.suppress(Exception, BaseExceptionGroup):  # what failed is in `failures`
        run()
    return failures


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """Keep the test's database connection through each WSGI request, as Django's test client does.

    A WSGI request ends with `close_old_connections`, which on PostgreSQL closes the connection
    holding the test's transaction. Schemathesis never closes the WSGI response, so the
    request-finished work (forgetting the request id of the logs) is done here afterwards.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        clear_request_id()


@pytest.mark.django_db(transaction=True)  # the requests may run on another thread's connection
@pytest.mark.usefixtures("connection_kept_open")
def test_every_operation_answers_within_its_schema(world: World) -> None:
    schema = schemathesis.openapi.from_dict(_spec(world))
    app = get_wsgi_application()
    _key, secret = integration_key_create(organisation_id=world.org.pk, name="Fuzz", scopes=["events:write", "read"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    failures = []
    for operation in operations:
        auth = f"Api-Key {secret}" if operation.path.startswith("/api/v1/") else _basic(world.rita.username)
        failures += _fuzz(operation, app, auth)
    assert failures == []
