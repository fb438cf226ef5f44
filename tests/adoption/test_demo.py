"""The demo organisation's stories show in the adoption figures."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from apps.adoption.figures import frequency_bucket
from apps.adoption.selectors import active_days_by_person, counted_people
from apps.demo.seed import ORGANISATION_NAME
from apps.roles.models import Organisation

pytestmark = pytest.mark.django_db


def test_rasmus_is_a_daily_user_and_peter_is_dormant(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    org = Organisation.objects.get(name=ORGANISATION_NAME)
    today = timezone.localdate()
    days = active_days_by_person(
        people=counted_people(organisation_id=org.pk), first_day=today - dt.timedelta(days=29), last_day=today
    )
    rasmus, peter = (User.objects.get(username=name).pk for name in ("rasmus", "peter"))
    assert frequency_bucket(days.get(rasmus, 0)) == "daily"
    assert frequency_bucket(days.get(peter, 0)) == "dormant"
