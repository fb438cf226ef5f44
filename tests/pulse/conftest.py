from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash the fixture people's passwords cheaply; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _people_live_for_a_month(request: pytest.FixtureRequest) -> None:
    """The fixture people joined a month ago: the pulse check waits for a person's first week.

    Tests of that wait (tests/pulse/test_first_week.py) set their own dates.
    """
    if "world" not in request.fixturenames:
        return
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    request.getfixturevalue("world")
    User.objects.update(date_joined=timezone.now() - dt.timedelta(days=30))
