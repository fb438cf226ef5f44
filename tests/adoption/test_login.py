"""Browser logins are recorded as usage, once per session."""

import pytest
from django.test import Client

from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_login_records_one_login_event_per_session() -> None:
    user = factories.UserFactory(username="logger")
    client = Client()
    assert client.login(username="logger", password="pw-for-tests")
    assert list(UsageEvent.objects.filter(user=user).values_list("kind", flat=True)) == [EventKind.LOGIN]


def test_the_same_session_signalled_twice_records_once() -> None:
    from django.contrib.auth.signals import user_logged_in
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    user = factories.UserFactory(username="twice")
    request = RequestFactory().get("/")
    request.session = SessionStore()
    user_logged_in.send(sender=type(user), request=request, user=user)
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert UsageEvent.objects.filter(user=user, kind=EventKind.LOGIN).count() == 1


def test_a_failed_login_records_nothing() -> None:
    user = factories.UserFactory(username="wrongpw")
    assert not Client().login(username="wrongpw", password="nope")
    assert not UsageEvent.objects.filter(user=user).exists()
