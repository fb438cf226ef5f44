"""The one permission-matrix runner: who gets which answer from which page.

A matrix row is one request sent by several people; a matrix column is one person sending
several requests. Expected answers are a status code, `LOGIN` (a redirect to the login page,
told apart from other redirects), or a set of acceptable codes (such as `OK`).
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractUser, User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import World

LOGIN = "login"
OK = frozenset({200, 302})  # the page answered, or the action went through and redirected

Outcome = int | str
Expected = int | str | frozenset[int]
Request = Callable[[Client], HttpResponse]


def get(url: str, data: Mapping[str, Any] | None = None) -> Request:
    return lambda client: client.get(url, data)


def post(url: str, data: Mapping[str, Any] | None = None) -> Request:
    return lambda client: client.post(url, data)


def send(method: str, url: str, data: Mapping[str, Any] | None = None) -> Request:
    """Return a request by method name ("get" or "post")."""
    return get(url, data) if method == "get" else post(url, data)


def client_as(world: World, who: str, *, extra_people: Mapping[str, AbstractUser] | None = None) -> Client:
    """Return a client for `who`: "anonymous", "outsider" (an account with no role), a person in
    `extra_people`, or one of the world's people by name."""
    if who == "anonymous":
        return Client()
    if extra_people and who in extra_people:
        return world.client_for(extra_people[who])
    if who == "outsider":
        outsider = User.objects.filter(username="outsider").first() or factories.UserFactory(username="outsider")
        return world.client_for(outsider)
    return world.client_for(getattr(world, who))


def outcome(response: HttpResponse) -> Outcome:
    """Return the status code, or LOGIN for a redirect to the login page."""
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _met(actual: Outcome, expected: Expected) -> bool:
    return actual in expected if isinstance(expected, frozenset) else actual == expected


def assert_outcomes(actual: Mapping[str, Outcome], expected: Mapping[str, Expected]) -> None:
    """Assert every answer meets its expectation (a failure shows each wrong answer beside the matrix)."""
    shown = {key: expected[key] if key in expected and _met(value, expected[key]) else value for key, value in actual.items()}
    assert shown == dict(expected)


def row_outcomes(
    world: World,
    request: Callable[[Client], HttpResponse],
    people: Iterable[str],
    *,
    extra_people: Mapping[str, AbstractUser] | None = None,
) -> dict[str, Outcome]:
    """Send one request as each person in turn (in order); return each person's outcome."""
    return {who: outcome(request(client_as(world, who, extra_people=extra_people))) for who in people}


def assert_row(
    world: World,
    request: Callable[[Client], HttpResponse],
    expected: Mapping[str, Expected],
    *,
    extra_people: Mapping[str, AbstractUser] | None = None,
) -> None:
    """Assert what each person gets from one request."""
    assert_outcomes(row_outcomes(world, request, expected, extra_people=extra_people), expected)


def assert_pages(client: Client, requests: Mapping[str, Request], expected: Mapping[str, Expected]) -> None:
    """Assert what one person gets from each of several requests (sent in the order given)."""
    assert_outcomes({name: outcome(request(client)) for name, request in requests.items()}, expected)
