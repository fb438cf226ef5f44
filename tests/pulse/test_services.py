"""Answering, skipping and configuring the pulse check."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.pulse.models import PulseResponse, PulseSettings, PulseSkip
from apps.pulse.selectors import pulse_due
from apps.pulse.services import pulse_answer, pulse_settings_update, pulse_skip
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests.concurrency import submit_twice_racing

ANSWERS = {"pu1": 6, "pu2": 7, "peou1": 5, "peou2": 4}


def test_answering_stores_construct_means_records_an_event_and_rescores(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="t1")
    assert (response.perceived_usefulness, response.perceived_ease_of_use) == (Decimal("6.50"), Decimal("4.50"))
    assert response.answers == ANSWERS
    event = UsageEvent.objects.get(user=world.rita, kind=EventKind.PULSE_ANSWERED)
    assert event.metadata == {"pulse_response_id": response.pk}
    snapshot = ScoreSnapshot.objects.get(user=world.rita)
    assert (snapshot.pulse_usefulness, snapshot.pulse_ease_of_use) == (Decimal("6.50"), Decimal("4.50"))


def test_submitting_the_same_form_twice_stores_one_answer(world: Any) -> None:
    first = pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="same")
    second = pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="same")
    assert first.pk == second.pk
    assert PulseResponse.objects.count() == 1
    assert UsageEvent.objects.filter(kind=EventKind.PULSE_ANSWERED).count() == 1


def test_a_second_answer_within_the_cadence_is_refused(world: Any) -> None:
    pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="a")
    with pytest.raises(ApplicationError, match="recently"):
        pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="b")
    later = timezone.now() + dt.timedelta(days=14, minutes=1)
    pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="c", at=later)
    assert PulseResponse.objects.filter(user=world.rita).count() == 2


def test_incomplete_answers_store_nothing(world: Any) -> None:
    with pytest.raises(ApplicationError, match="1–7"):
        pulse_answer(user_id=world.rita.pk, answers={"pu1": 6}, form_token=str(uuid.uuid4()))
    assert not PulseResponse.objects.exists()
    assert not UsageEvent.objects.exists()


def test_answers_are_refused_when_the_organisation_switched_the_check_off(world: Any) -> None:
    PulseSettings.objects.create(organisation=world.org, enabled=False)
    with pytest.raises(ApplicationError):
        pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="off")


def test_skipping_silences_the_prompt_until_the_cadence_passes_and_twice_is_once(world: Any) -> None:
    assert pulse_due(world.rita)
    first = pulse_skip(user_id=world.rita.pk)
    again = pulse_skip(user_id=world.rita.pk)
    assert first.pk == again.pk
    assert PulseSkip.objects.count() == 1
    assert not pulse_due(world.rita)
    assert pulse_due(world.rita, now=timezone.now() + dt.timedelta(days=14, minutes=1))


def test_answering_also_silences_the_prompt(world: Any) -> None:
    pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="x")
    assert not pulse_due(world.rita)
    assert pulse_due(world.ronja)


def test_the_cadence_cannot_be_shorter_than_fourteen_days(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        pulse_settings_update(organisation_id=world.org.pk, cadence_days=13, enabled=True)
    assert "14" in caught.value.message_dict["cadence_days"][0]
    assert not PulseSettings.objects.exists()
    saved = pulse_settings_update(organisation_id=world.org.pk, cadence_days=28, enabled=True)
    assert PulseSettings.objects.get().cadence_days == 28 == saved.cadence_days


def test_a_longer_cadence_postpones_the_prompt(world: Any) -> None:
    pulse_settings_update(organisation_id=world.org.pk, cadence_days=30, enabled=True)
    pulse_skip(user_id=world.rita.pk)
    assert not pulse_due(world.rita, now=timezone.now() + dt.timedelta(days=20))
    assert pulse_due(world.rita, now=timezone.now() + dt.timedelta(days=30, minutes=1))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks between two connections")
def test_a_double_submit_racing_the_first_returns_the_first_answer(world: Any, transactional_db: Any) -> None:
    """The second submit of one form, arriving before the first commits, returns the first answer."""
    first, second = submit_twice_racing(
        lambda: pulse_answer(user_id=world.rita.pk, answers=ANSWERS, form_token="same")
    )
    assert isinstance(second, PulseResponse), second
    assert second.pk == first.pk
    assert PulseResponse.objects.count() == 1
