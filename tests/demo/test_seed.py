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


def test_seed_demo_refuses_to_run_twice_and_if_empty_leaves_data_alone(capsys) -> None:
    call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "already present" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
