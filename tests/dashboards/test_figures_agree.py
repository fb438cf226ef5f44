"""Every page that shows a figure shows the same number for it, on the demo organisation."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.periods import week_start
from apps.demo.seed import seed_demo
from apps.givegets.models import ContractStatus
from apps.quickwins.models import QuickWinResult, QuickWinStatus
from apps.roles.models import Team
from apps.rollout import services as rollout_services
from apps.rollout.models import RolloutPhase
from apps.rollout.selectors import phase_people
from apps.scoring.models import NetStatus, ScoreSnapshot

pytestmark = pytest.mark.django_db


def _as(client: Any, username: str) -> Any:
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _independent_share(phase: RolloutPhase, monday: dt.date) -> tuple[int, int]:
    """Count by hand: the phase's people with a snapshot this week, and those thriving or at risk."""
    people = {p.pk for p in phase_people(phase)}
    statuses = [s.status for s in ScoreSnapshot.objects.filter(period_start=monday) if s.user_id in people]
    return sum(1 for s in statuses if s in (NetStatus.THRIVING, NetStatus.AT_RISK)), len(statuses)


def test_net_beneficiary_share_of_a_phase_agrees_on_lead_rollout_and_ambassadors(client: Any) -> None:
    seed_demo()
    today = timezone.localdate()
    phase = RolloutPhase.objects.order_by("order").first()
    assert phase is not None
    rollout_services.gate_evaluate(phase=phase, today=today)
    expected = _independent_share(phase, week_start(today))
    assert expected[1] > 0

    lene = _as(client, "lene")
    lead_row = next(r for r in lene.get(reverse("dashboards:lead")).context["phases"] if r.phase.pk == phase.pk)
    detail = lene.get(reverse("rollout:detail", args=[phase.pk])).context
    criterion = next(row for row, _spark in detail["criteria"] if row.criterion == "net_beneficiaries")
    stored = detail["evaluation"].values["net_beneficiaries"]
    trend_now = detail["trend"][-1]
    (team,) = phase.teams.all()
    adoption = next(
        r.adoption for r in lene.get(reverse("ambassadors:list")).context["rows"] if r.team.pk == team.pk
    )

    assert (lead_row.net_beneficiaries, lead_row.scored) == expected
    assert (stored["numerator"], stored["denominator"]) == expected
    assert criterion.label  # the criterion row is shown
    assert (trend_now.net_beneficiaries, trend_now.scored) == expected
    assert (adoption.net_beneficiaries, adoption.scored) == expected


def test_lead_and_contracts_use_the_same_settled_week_and_the_week_in_progress_is_not_broken(client: Any) -> None:
    seed_demo()
    this_monday = week_start(timezone.localdate())
    last_settled = this_monday - dt.timedelta(weeks=1)
    lene = _as(client, "lene")
    lead = lene.get(reverse("dashboards:lead"))
    contracts = lene.get(reverse("givegets:contracts"))
    assert lead.context["contracts_week"] == contracts.context["this_monday"] == last_settled
    assert [m for m, *_rest in contracts.context["trend_rows"]][-1] == last_settled
    assert this_monday not in contracts.context["overview"].mondays
    body = contracts.content.decode()
    assert "Last settled week, starting" in body
    assert "is in progress" in body
    assert "Last settled week, starting" in lead.content.decode()
    # The lead's per-contract honoured shares are the contracts page's figures for that week.
    lead_shares = {r.contract.pk: r.honoured_pct for r in lead.context["contracts"]}
    page_shares = {r.contract.pk: r.honoured_pct for r in contracts.context["overview"].rows if r.contract.is_active}
    assert lead_shares == page_shares
    # And both equal a count by hand of the stored statuses of that week: honoured ÷ (honoured + broken).
    statuses = list(ContractStatus.objects.filter(period_start=last_settled))
    assert statuses
    for contract_id, share in lead_shares.items():
        mine = [s.status for s in statuses if s.contract_id == contract_id]
        honoured, broken = mine.count("honoured"), mine.count("broken")
        assert share == (100 * honoured / (honoured + broken) if honoured + broken else None)


def test_a_phase_that_passed_earlier_but_not_now_says_both_apart(client: Any) -> None:
    seed_demo()
    phase = RolloutPhase.objects.order_by("order").first()
    assert phase is not None
    evaluation = rollout_services.gate_evaluate(phase=phase, today=timezone.localdate())
    phase.refresh_from_db()
    lene = _as(client, "lene")
    row = next(r for r in lene.get(reverse("rollout:phases")).context["rows"] if r.phase.pk == phase.pk)
    body = lene.get(reverse("rollout:phases")).content.decode()
    assert "Gate measured now (latest evaluation)" in body
    assert ("Would pass now" if evaluation.passed else "Would not pass now") in body
    if phase.status == "gate_passed" and not evaluation.passed:
        assert row.passed_earlier_not_now
        assert "Passed its gate earlier" in body
    assert row.status_since is not None
    detail = lene.get(reverse("rollout:detail", args=[phase.pk])).content.decode()
    assert "the phase's history, not today's measurement" in detail


def test_lead_page_queries_do_not_grow_with_phases(client: Any) -> None:
    seed_demo()
    lene = _as(client, "lene")
    org_id = RolloutPhase.objects.values_list("organisation_id", flat=True).first()
    teams = list(Team.objects.filter(organisation_id=org_id))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lene.get(reverse("dashboards:lead")).status_code == 200
        return len(queries)

    with_demo_phases = count()
    last = RolloutPhase.objects.filter(organisation_id=org_id).order_by("-order").first()
    assert last is not None
    for i in range(10):
        extra = RolloutPhase.objects.create(
            organisation_id=org_id, name=f"Extra {i}", order=last.order + 1 + i,
            planned_start=last.planned_start, go_live_on=last.go_live_on,
        )
        extra.teams.set(teams)
    assert count() == with_demo_phases


def test_quickwin_on_time_share_agrees_on_lead_quickwins_and_the_phase_gate(client: Any) -> None:
    seed_demo()
    today = timezone.localdate()
    results = list(QuickWinResult.objects.all())
    assert {r.status for r in results} >= {QuickWinStatus.ON_TIME, QuickWinStatus.MISSED}

    def by_hand(rows: list[QuickWinResult]) -> tuple[int, int]:
        decided = [r for r in rows if r.status in ("on_time", "late", "missed")]
        return sum(1 for r in decided if r.status == "on_time"), len(decided)

    lene = _as(client, "lene")
    lead = lene.get(reverse("dashboards:lead"))
    quickwins = lene.get(reverse("quickwins:milestones"))
    for page in (lead, quickwins):
        assert 'data-testid="quickwin-basis"' in page.content.decode()
    lead_rows = {r.milestone.pk: r for r in lead.context["milestones"]}
    page_rows = {r.milestone.pk: r for r in quickwins.context["summaries"]}
    assert lead_rows
    assert lead_rows.keys() == page_rows.keys()
    for milestone_id, row in lead_rows.items():
        on_time, decided = by_hand([r for r in results if r.milestone_id == milestone_id])
        assert (row.on_time, row.decided) == (page_rows[milestone_id].on_time, page_rows[milestone_id].decided)
        assert (row.on_time, row.decided) == (on_time, decided)
        assert row.on_time_pct == page_rows[milestone_id].on_time_pct == (100 * on_time / decided if decided else None)

    for phase in RolloutPhase.objects.all():
        rollout_services.gate_evaluate(phase=phase, today=today)
        people = {p.pk for p in phase_people(phase)}
        stored = lene.get(reverse("rollout:detail", args=[phase.pk])).context["evaluation"].values["quickwins_on_time"]
        on_time, decided = by_hand([r for r in results if r.user_id in people])
        assert (stored["numerator"], stored["denominator"]) == (on_time, decided)
