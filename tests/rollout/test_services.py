"""Rollout services and selectors against the database: rules, go-live, gates, idempotence."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.periods import week_start
from apps.pulse.models import PulseResponse
from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.models import Membership, RoleKind
from apps.rollout import selectors, services
from apps.rollout.models import GateEvaluation, PhaseEvent, PhaseStatus, RolloutPhase
from apps.rollout.tasks import evaluate_gates
from apps.usage.kinds import EventKind
from tests.factories import TeamFactory, TeamMemberFactory
from tests.rollout.factories import PhaseFactory, snapshot

TODAY = timezone.localdate()


def phase_fields(world: Any, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "North first", "teams": [world.north], "roles": [],
        "planned_start": TODAY, "go_live_on": TODAY + dt.timedelta(days=7),
        "min_net_beneficiary_pct": 70, "min_quickwin_on_time_pct": 80, "min_weeks_live": 2, "min_pulse_score": None,
    }
    fields.update(overrides)
    return fields


def test_phase_create_appends_in_order_and_records_creation(world: Any) -> None:
    first = services.phase_create(organisation=world.org, actor_id=world.lene.pk, **phase_fields(world))
    second = services.phase_create(organisation=world.org, actor_id=world.lene.pk, **phase_fields(
        world, name="South next", teams=[world.south], go_live_on=TODAY + dt.timedelta(days=30)))
    assert (first.order, second.order) == (1, 2)
    assert list(second.teams.all()) == [world.south]
    event = PhaseEvent.objects.get(phase=first)
    assert (event.actor_id, event.from_status, event.to_status) == (world.lene.pk, "", PhaseStatus.PLANNED)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"min_net_beneficiary_pct": 101}, "min_net_beneficiary_pct"),
        ({"min_quickwin_on_time_pct": -1}, "min_quickwin_on_time_pct"),
        ({"min_pulse_score": Decimal("7.5")}, "min_pulse_score"),
        ({"go_live_on": TODAY - dt.timedelta(days=1)}, "go_live_on"),
        ({"teams": [], "roles": []}, "teams"),
    ],
)
def test_phase_create_rejects_bad_input_and_saves_nothing(world: Any, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.phase_create(organisation=world.org, actor_id=world.lene.pk, **phase_fields(world, **overrides))
    assert field in caught.value.message_dict
    assert not RolloutPhase.objects.exists()
    assert not PhaseEvent.objects.exists()


def test_overlapping_team_or_role_is_refused_until_the_other_phase_completes(world: Any) -> None:
    existing = PhaseFactory(organisation=world.org, name="Pilot", teams=[world.north],
                            roles=[world.roles[RoleKind.MARKETER]], go_live_on=TODAY, planned_start=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.phase_create(organisation=world.org, actor_id=None, **phase_fields(
            world, teams=[world.north], roles=[world.roles[RoleKind.MARKETER]], go_live_on=TODAY + dt.timedelta(7)))
    assert "Pilot" in caught.value.message_dict["teams"][0]
    assert "Pilot" in caught.value.message_dict["roles"][0]
    existing.status = PhaseStatus.COMPLETED
    existing.save()
    created = services.phase_create(organisation=world.org, actor_id=None, **phase_fields(
        world, go_live_on=TODAY + dt.timedelta(7)))
    assert created.order == existing.order + 1


def test_mis_ordered_go_live_is_refused_against_both_neighbours(world: Any) -> None:
    first = PhaseFactory(organisation=world.org, order=1, teams=[world.north], planned_start=TODAY,
                         go_live_on=TODAY + dt.timedelta(days=10))
    with pytest.raises(ValidationError) as caught:
        services.phase_create(organisation=world.org, actor_id=None, **phase_fields(
            world, teams=[world.south], go_live_on=TODAY + dt.timedelta(days=5)))
    assert first.name in caught.value.message_dict["go_live_on"][0]
    second = services.phase_create(organisation=world.org, actor_id=None, **phase_fields(
        world, teams=[world.south], go_live_on=TODAY + dt.timedelta(days=20)))
    # Editing the first phase to go live after the second is mis-ordered too; nothing changes.
    with pytest.raises(ValidationError) as caught:
        services.phase_update(phase=first, **phase_fields(world, go_live_on=TODAY + dt.timedelta(days=25)))
    assert second.name in caught.value.message_dict["go_live_on"][0]
    first.refresh_from_db()
    assert first.go_live_on == TODAY + dt.timedelta(days=10)


def test_phase_move_swaps_place_and_dates_of_planned_neighbours(world: Any) -> None:
    first = PhaseFactory(organisation=world.org, order=1, teams=[world.north], planned_start=TODAY,
                         go_live_on=TODAY + dt.timedelta(days=7))
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south], planned_start=TODAY + dt.timedelta(14),
                          go_live_on=TODAY + dt.timedelta(days=21))
    services.phase_move(phase=second, direction="up")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.order, second.go_live_on) == (1, TODAY + dt.timedelta(days=7))
    assert (first.order, first.go_live_on) == (2, TODAY + dt.timedelta(days=21))
    with pytest.raises(ApplicationError):
        services.phase_move(phase=second, direction="up")
    second.status = PhaseStatus.LIVE
    second.save()
    with pytest.raises(ApplicationError):
        services.phase_move(phase=first, direction="up")


def test_go_live_of_first_phase_sets_empty_go_live_dates_only(world: Any) -> None:
    pilot_date = TODAY - dt.timedelta(days=40)
    Membership.objects.filter(user=world.sam).update(go_live_on=pilot_date)  # an ambassador who piloted
    phase = PhaseFactory(organisation=world.org, teams=[world.north], go_live_on=TODAY - dt.timedelta(days=3),
                         planned_start=TODAY - dt.timedelta(days=10))
    services.phase_go_live(phase=phase, actor_id=world.lene.pk, today=TODAY)
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.LIVE
    dates = dict(Membership.objects.values_list("user__username", "go_live_on"))
    # go-live was 3 days ago but the phase went live today: people start today.
    assert dates["rita"] == TODAY
    assert dates["mads"] == TODAY
    assert dates["sam"] == pilot_date
    assert dates["ronja"] is None
    event = phase.events.get(to_status=PhaseStatus.LIVE)
    assert (event.is_override, event.actor_id) == (False, world.lene.pk)


def test_go_live_waits_for_the_previous_gate_unless_overridden(world: Any) -> None:
    first = PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.GATE_FAILED)
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south])
    with pytest.raises(ApplicationError, match=first.name):
        services.phase_go_live(phase=second, actor_id=world.lene.pk)
    with pytest.raises(ValidationError):
        services.phase_go_live(phase=second, actor_id=world.lene.pk, override_reason="too short")
    second.refresh_from_db()
    assert second.status == PhaseStatus.PLANNED
    services.phase_go_live(phase=second, actor_id=world.lene.pk,
                           override_reason="Board decided to go ahead before the summer break")
    event = second.events.get(to_status=PhaseStatus.LIVE)
    assert event.is_override
    assert event.reason == "Board decided to go ahead before the summer break"
    assert event.actor_id == world.lene.pk


def test_go_live_after_a_passed_gate_needs_no_override(world: Any) -> None:
    PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.GATE_PASSED)
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south])
    services.phase_go_live(phase=second, actor_id=world.lene.pk)
    assert not second.events.get(to_status=PhaseStatus.LIVE).is_override
    with pytest.raises(ApplicationError):
        services.phase_go_live(phase=second, actor_id=world.lene.pk)


def test_complete_needs_a_passed_gate_or_an_override(world: Any) -> None:
    passed = PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.GATE_PASSED)
    failed = PhaseFactory(organisation=world.org, order=2, teams=[world.south], status=PhaseStatus.GATE_FAILED)
    live = PhaseFactory(organisation=world.org, order=3, roles=[world.roles[RoleKind.MARKETER]],
                        status=PhaseStatus.LIVE)
    assert services.phase_complete(phase=passed, actor_id=world.lene.pk).status == PhaseStatus.COMPLETED
    with pytest.raises(ApplicationError):
        services.phase_complete(phase=failed, actor_id=world.lene.pk)
    with pytest.raises(ApplicationError):
        services.phase_complete(phase=live, actor_id=world.lene.pk, override_reason="Because we really want to")
    services.phase_complete(phase=failed, actor_id=world.lene.pk, override_reason="Team merged into South East")
    assert failed.events.get(to_status=PhaseStatus.COMPLETED).is_override


def _quickwins(world: Any, statuses: dict[Any, str]) -> None:
    milestone = QuickWinMilestone.objects.create(role=world.roles[RoleKind.SALES_REP], name="First meeting",
                                                 event_kind=EventKind.MEETING_LOGGED)
    for user, status in statuses.items():
        QuickWinResult.objects.create(milestone=milestone, user=user, go_live_on=TODAY, due_on=TODAY,
                                      status=status)


def test_gate_measurements_cover_only_the_phases_people(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE,
                         go_live_on=TODAY - dt.timedelta(weeks=3), planned_start=TODAY - dt.timedelta(weeks=4))
    snapshot(world.rita, net=30)
    snapshot(world.sam, net=-10)
    snapshot(world.mads, net=5)
    snapshot(world.ronja, net=50)  # South: not in the phase
    snapshot(world.rita, net=-5, monday=week_start(TODAY) - dt.timedelta(weeks=1))  # last week: ignored
    _quickwins(world, {world.rita: QuickWinStatus.ON_TIME, world.sam: QuickWinStatus.LATE,
                       world.mads: QuickWinStatus.PENDING, world.ronja: QuickWinStatus.ON_TIME})
    people, measured = selectors.gate_measurements(phase, today=TODAY)
    assert people == 3  # rita, sam, mads
    assert (measured.scored, measured.net_beneficiaries) == (3, 2)
    assert (measured.quickwins_decided, measured.quickwins_on_time) == (2, 1)
    assert measured.weeks_live == 3


def test_pulse_mean_uses_answers_of_the_last_30_days(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north, world.south], status=PhaseStatus.LIVE)
    now = timezone.now()
    for user, pu, peou in [(world.rita, 6, 4), (world.sam, 5, 5), (world.ronja, 7, 6), (world.maja, 3, 4)]:
        PulseResponse.objects.create(user=user, answered_at=now - dt.timedelta(days=2),
                                     perceived_usefulness=pu, perceived_ease_of_use=peou)
    PulseResponse.objects.create(user=world.rita, answered_at=now - dt.timedelta(days=45),
                                 perceived_usefulness=1, perceived_ease_of_use=1)
    _people, measured = selectors.gate_measurements(phase, today=TODAY)
    assert (measured.pulse_responses, measured.pulse_people) == (4, 4)
    assert measured.pulse_mean == Decimal("5.00")  # (5 + 5 + 6.5 + 3.5) / 4


def test_pulse_counts_different_people_apart_from_answers(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE)
    now = timezone.now()
    for days_ago in (1, 8, 15):
        for user in (world.rita, world.sam):
            PulseResponse.objects.create(user=user, answered_at=now - dt.timedelta(days=days_ago),
                                         perceived_usefulness=6, perceived_ease_of_use=6)
    _people, measured = selectors.gate_measurements(phase, today=TODAY)
    assert (measured.pulse_responses, measured.pulse_people) == (6, 2)


def test_gate_evaluate_stores_one_row_per_day_and_fails_a_phase_past_its_minimum_weeks(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE,
                         go_live_on=TODAY - dt.timedelta(weeks=3), planned_start=TODAY - dt.timedelta(weeks=4))
    snapshot(world.rita, net=30)
    snapshot(world.sam, net=-10, components={
        "give": [{"kind": EventKind.CALL_LOGGED, "count": 9, "measured": 9, "minutes": "40"}], "get": []})
    snapshot(world.mads, net=-3, components={
        "give": [{"kind": EventKind.CALL_LOGGED, "count": 2, "measured": 2, "minutes": "8"}],
        "get": [{"kind": "weekly_digest", "count": 1, "minutes": "5"}]})
    evaluation = services.gate_evaluate(phase=phase, today=TODAY)
    assert not evaluation.passed
    assert evaluation.values["net_beneficiaries"]["numerator"] == 1
    assert evaluation.values["net_beneficiaries"]["denominator"] == 3
    assert evaluation.misses == {"not_beneficiaries": 2, "gave_nothing": 0, "no_digest": 1,
                                 "top_give_kinds": [[EventKind.CALL_LOGGED, 2]]}
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.GATE_FAILED
    assert phase.events.filter(to_status=PhaseStatus.GATE_FAILED, actor__isnull=True).count() == 1
    # Same day again: the same row is overwritten and no second status change is recorded.
    again = services.gate_evaluate(phase=phase, today=TODAY)
    assert again.pk == evaluation.pk
    assert GateEvaluation.objects.filter(phase=phase).count() == 1
    assert phase.events.count() == 1


def test_a_live_phase_still_inside_its_minimum_weeks_stays_live(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE,
                         go_live_on=TODAY - dt.timedelta(days=3), planned_start=TODAY - dt.timedelta(weeks=1))
    services.gate_evaluate(phase=phase, today=TODAY)
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.LIVE


def test_a_failed_phase_that_now_meets_its_gate_passes(world: Any) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.GATE_FAILED,
                         go_live_on=TODAY - dt.timedelta(weeks=3), planned_start=TODAY - dt.timedelta(weeks=4),
                         min_quickwin_on_time_pct=50)
    for user in (world.rita, world.sam, world.mads):
        snapshot(user, net=20)
    _quickwins(world, {world.rita: QuickWinStatus.ON_TIME})
    assert services.gate_evaluate(phase=phase, today=TODAY).passed
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.GATE_PASSED
    event = phase.events.get()
    assert (event.from_status, event.to_status) == (PhaseStatus.GATE_FAILED, PhaseStatus.GATE_PASSED)


def test_beat_task_evaluates_live_and_failed_phases_only_and_is_idempotent(world: Any) -> None:
    live = PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.LIVE,
                        go_live_on=TODAY - dt.timedelta(days=2), planned_start=TODAY - dt.timedelta(days=9))
    planned = PhaseFactory(organisation=world.org, order=2, teams=[world.south])
    done = PhaseFactory(organisation=world.org, order=3, roles=[world.roles[RoleKind.MARKETER]],
                        status=PhaseStatus.COMPLETED)
    assert evaluate_gates.delay().get() == 1
    first = list(GateEvaluation.objects.values_list("phase_id", "evaluated_on", "values", "passed"))
    assert evaluate_gates.delay().get() == 1
    assert list(GateEvaluation.objects.values_list("phase_id", "evaluated_on", "values", "passed")) == first
    assert [row[0] for row in first] == [live.pk]
    assert not GateEvaluation.objects.filter(phase__in=[planned, done]).exists()


def test_net_beneficiary_trend_groups_weeks_since_go_live(world: Any) -> None:
    monday = week_start(TODAY)
    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE,
                         go_live_on=monday - dt.timedelta(weeks=2), planned_start=monday - dt.timedelta(weeks=3))
    snapshot(world.rita, net=10, monday=monday - dt.timedelta(weeks=2))
    snapshot(world.sam, net=-10, monday=monday - dt.timedelta(weeks=2))
    snapshot(world.rita, net=10, monday=monday)
    snapshot(world.ronja, net=10, monday=monday)  # not covered
    snapshot(world.rita, net=10, monday=monday - dt.timedelta(weeks=5))  # before go-live
    trend = selectors.net_beneficiary_trend(phase, today=TODAY)
    assert [(w.monday, w.scored, w.net_beneficiaries, w.pct) for w in trend] == [
        (monday - dt.timedelta(weeks=2), 2, 1, 50.0),
        (monday - dt.timedelta(weeks=1), 0, 0, None),
        (monday, 1, 1, 100.0),
    ]


def test_team_in_another_organisation_is_refused(world: Any) -> None:
    foreign = TeamFactory(name="Elsewhere")
    TeamMemberFactory(team=foreign)
    with pytest.raises(ValidationError) as caught:
        services.phase_create(organisation=world.org, actor_id=None, **phase_fields(world, teams=[foreign]))
    assert "teams" in caught.value.message_dict


def test_phase_move_judges_the_locked_row_not_a_stale_copy(world: Any) -> None:
    PhaseFactory(organisation=world.org, order=1, teams=[world.north], planned_start=TODAY,
                 go_live_on=TODAY + dt.timedelta(days=7))
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south], planned_start=TODAY,
                          go_live_on=TODAY + dt.timedelta(days=14))
    stale = RolloutPhase.objects.get(pk=second.pk)
    RolloutPhase.objects.filter(pk=second.pk).update(status=PhaseStatus.LIVE)  # someone took it live meanwhile
    with pytest.raises(ApplicationError):
        services.phase_move(phase=stale, direction="up")
    assert RolloutPhase.objects.get(pk=second.pk).order == 2


def test_phases_adoption_counts_each_phases_people_and_scores_in_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    north = PhaseFactory(organisation=world.org, order=1, teams=[world.north])
    PhaseFactory(organisation=world.org, order=2, teams=[world.south], roles=[world.roles[RoleKind.MARKETER]])
    PhaseFactory(organisation=world.org, order=3, roles=[world.roles[RoleKind.PROJECT_LEAD]])
    PhaseFactory(order=1, teams=[TeamFactory()])  # another organisation
    snapshot(world.rita, net=30)
    snapshot(world.sam, net=-10)
    snapshot(world.ronja, net=5)
    with django_assert_num_queries(1):
        rows = selectors.phases_adoption(organisation_id=world.org.pk, today=TODAY)
    assert [(r.people, r.scored, r.net_beneficiaries) for r in rows] == [(3, 2, 1), (2, 1, 1), (1, 0, 0)]
    assert rows[0].phase == north
    assert rows[0].people == selectors.phase_people(north).count()


def test_latest_evaluations_returns_the_newest_row_per_phase(world: Any) -> None:
    first = PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.LIVE)
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south], status=PhaseStatus.LIVE)
    unevaluated = PhaseFactory(organisation=world.org, order=3, roles=[world.roles[RoleKind.MARKETER]])
    for days_ago in (3, 1, 2):
        services.gate_evaluate(phase=first, today=TODAY - dt.timedelta(days=days_ago))
    services.gate_evaluate(phase=second, today=TODAY - dt.timedelta(days=5))
    latest = selectors.latest_evaluations([first, second, unevaluated])
    assert {pk: e.evaluated_on for pk, e in latest.items()} == {
        first.pk: TODAY - dt.timedelta(days=1), second.pk: TODAY - dt.timedelta(days=5),
    }


def test_gate_evaluate_locks_only_the_phase_row(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    phase = PhaseFactory(organisation=world.org, teams=[world.north], status=PhaseStatus.LIVE)
    with CaptureQueriesContext(connection) as queries:
        services.gate_evaluate(phase=phase, today=TODAY)
    lock = next(q["sql"] for q in queries.captured_queries if 'FROM "rollout_rolloutphase"' in q["sql"])
    assert "roles_organisation" not in lock
