"""The header on /me/, the explanation, the API and the digest give the same whole minutes."""

import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone, translation

from apps.core.periods import week_start
from apps.digests.presentation import digest_display
from apps.digests.services import digest_build_and_send
from apps.scoring.services import scores_compute
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_gave_got_and_net_agree_everywhere(world: World) -> None:
    # Gave 2 × 318 s = 10.6 min -> 11 shown; got 20.4 min -> 20 shown. The exact net 9.8 would round
    # to 10 on its own, which would not be 20 − 11: the net shown is 9 everywhere.
    now = timezone.now()
    monday = week_start(timezone.localdate())
    for _ in range(2):
        factories.UsageEventFactory(user=world.rita, occurred_at=now, duration_seconds=318)
    factories.DeliveryFactory(user=world.rita, value_minutes=D("20.4"), consumed_at=now)
    scores_compute(user_ids=[world.rita.pk], mondays=[monday])
    client = Client()
    client.force_login(world.rita)

    with translation.override("en"):
        page = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        api = client.get("/api/me/score/", HTTP_ACCEPT_LANGUAGE="en").json()

    def figure(testid: str) -> str:
        match = re.search(rf'data-testid="{testid}">(-?\d+) min<', page)
        assert match, testid
        return match.group(1)

    assert (figure("give-minutes"), figure("get-minutes"), figure("net-minutes")) == ("11", "20", "9")
    assert api["shown"] == {"give_minutes": 11, "get_minutes": 20, "net_minutes": 9}
    text = " ".join(api["explanation"])
    assert "you gave 11 min" in text
    assert "You got back 20 min" in text
    assert "Net: 9 min" in text
    assert "Net: 9 min" in page

    digest = digest_build_and_send(user_id=world.rita.pk, week_start=monday, send_email=False, language="en")
    shown = digest_display(digest)
    assert shown["snapshot"] is not None
    assert shown["snapshot"].period_start == monday
    assert shown["net_shown"] == 9
    with translation.override("en"):
        assert "Net: 9 min" in " ".join(shown["explanation"])
