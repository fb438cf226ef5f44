"""Digest pages: who may open which digest, opening consumes, Danish."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from apps.core.periods import week_start
from apps.digests.models import Digest
from apps.digests.services import digest_build_and_send
from tests.conftest import World
from tests.permissions import LOGIN, Expected, assert_row, client_as

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "rita", "ronja", "mads", "lene", "sam", "maja"]


def ritas_digest(world: World) -> Digest:
    monday = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    return digest_build_and_send(user_id=world.rita.pk, week_start=monday, send_email=False)


Url = Callable[[World], str]

MATRIX: list[tuple[str, Url, list[Expected]]] = [
    ("my latest digest", lambda w: "/digests/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("my past digests", lambda w: "/digests/all/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    # Only Rita opens Rita's digest: not a peer, not her manager, not the project lead.
    ("rita's digest", lambda w: f"/digests/{ritas_digest(w).pk}/", [LOGIN, 403, 200, 404, 404, 404, 404, 404]),
]


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access_by_role(world: World, name: str, url: Url, expected: list[Expected]) -> None:
    assert_row(world, lambda client: client.get(url(world)), dict(zip(ROLES, expected, strict=True)))


def test_nobody_but_rita_opening_her_digest_counts_as_consumption(world: World) -> None:
    digest = ritas_digest(world)
    for who in ("ronja", "mads", "lene"):
        client_as(world, who).get(f"/digests/{digest.pk}/")
    digest.refresh_from_db()
    assert digest.opened_at is None

    world.client_for(world.rita).get("/digests/")
    digest.refresh_from_db()
    assert digest.opened_at is not None
    assert digest.delivery is not None
    assert digest.delivery.consumed_at == digest.opened_at


def test_latest_shows_the_newest_week_and_the_list_shows_all(world: World) -> None:
    older = ritas_digest(world)
    newest = digest_build_and_send(user_id=world.rita.pk, week_start=older.week_start + dt.timedelta(weeks=1),
                                   send_email=False)
    rita = world.client_for(world.rita)

    latest = rita.get("/digests/").content.decode()
    assert newest.week_start.strftime("%-d %b") in latest
    listing = rita.get("/digests/all/").content.decode()
    assert f"/digests/{older.pk}/" in listing
    assert f"/digests/{newest.pk}/" in listing
    older.refresh_from_db()
    assert older.opened_at is None  # listing is not opening


def test_before_the_first_digest_the_page_says_when_it_comes(world: World) -> None:
    body = world.client_for(world.rita).get("/digests/").content.decode()
    assert "No digest yet" in body


def test_the_digest_shows_its_sections_and_the_score_explanation(world: World) -> None:
    ritas_digest(world)
    body = world.client_for(world.rita).get("/digests/").content.decode()
    for heading in ("What you logged", "Deals that moved", "Deals going cold", "Next actions", "Your Net Beneficiary"):
        assert heading in body


def test_the_digest_in_danish(world: World) -> None:
    ritas_digest(world)
    body = world.client_for(world.rita).get("/digests/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Salgsmuligheder der rykkede" in body
    assert "Næste skridt" in body
