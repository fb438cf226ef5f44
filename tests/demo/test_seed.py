"""The demo organisation tells distinct adoption stories, and every page has data to show."""

import pytest
from django.core.management import call_command

from apps.core.periods import week_start
from apps.digests.models import Digest
from apps.rollout.models import GateEvaluation
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.trust.models import AccessRecord, DataUseStatement

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_realistic_organisation(capsys) -> None:
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "demo1234" in output
    assert "lene" in output

    from django.utils import timezone

    this_week = week_start(timezone.localdate())
    status = dict(
        ScoreSnapshot.objects.filter(period_start=this_week).values_list("user__username", "status")
    )
    assert len(status) == 29
    assert status["mette"] == NetStatus.NET_LOSER
    assert status["peter"] == NetStatus.INACTIVE
    assert status["rasmus"] in (NetStatus.THRIVING, NetStatus.AT_RISK)
    assert {NetStatus.THRIVING, NetStatus.NET_LOSER, NetStatus.INACTIVE} <= set(status.values())
    assert ScoreSnapshot.objects.filter(user__username="rasmus").count() == 12
    assert GateEvaluation.objects.count() == 2
    assert Digest.objects.exists()
    assert DataUseStatement.objects.count() >= 4
    assert AccessRecord.objects.filter(subject__username="jonas").exists()


def test_the_demo_stories_still_read_true_after_peter_and_julie_open_a_digest(capsys) -> None:
    """Opening a digest is a get, never a contribution: peter (never logs) is not contributing, not thriving."""
    from django.utils import timezone

    from apps.digests.services import digest_open
    from apps.scoring.services import scores_refresh_users

    call_command("seed_demo")
    today = timezone.localdate()
    this_week = week_start(today)
    for username in ("peter", "julie"):
        digest = Digest.objects.filter(user__username=username).order_by("-week_start").first()
        assert digest is not None, username
        digest_open(digest=digest)
    scores_refresh_users(
        user_ids=list(Digest.objects.filter(user__username__in=["peter", "julie"]).values_list("user_id", flat=True)),
        today=today,
    )
    status = dict(ScoreSnapshot.objects.filter(period_start=this_week).values_list("user__username", "status"))
    assert status["peter"] == NetStatus.NOT_CONTRIBUTING
    peter = ScoreSnapshot.objects.get(user__username="peter", period_start=this_week)
    assert peter.components["contributed"] == 0
    assert peter.rolling_get_minutes > 0
    # julie gets real time back from the digest, but her use is still declining: below three weeks ago.
    julie = list(
        ScoreSnapshot.objects.filter(user__username="julie").order_by("-period_start").values_list("score", flat=True)[:4]
    )
    assert julie[0] < julie[3]
    assert status["rasmus"] == NetStatus.THRIVING
    assert status["mette"] == NetStatus.NET_LOSER


def test_seed_demo_refuses_to_run_twice_and_if_empty_leaves_data_alone(capsys) -> None:
    call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "already present" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
