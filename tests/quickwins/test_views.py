"""Quick-win pages: who may open what, what each role sees, the milestone form and nudges."""

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.quickwins.models import Nudge, QuickWinMilestone, QuickWinStatus
from apps.quickwins.selectors import open_nudges
from apps.quickwins.services import deadline_nudges_send
from apps.roles.models import Membership, RoleKind
from apps.usage.kinds import EventKind
from tests import factories
from tests.permissions import assert_pages, send
from tests.quickwins.factories import MilestoneFactory, ResultFactory

PEOPLE = ["rita", "mads", "lene", "sam", "maja"]


@pytest.fixture
def milestone(world: Any) -> QuickWinMilestone:
    return MilestoneFactory(role=world.roles[RoleKind.SALES_REP], name="Log your first meeting")


def _urls(milestone: QuickWinMilestone) -> dict[str, tuple[str, str]]:
    return {
        "list": ("get", reverse("quickwins:milestones")),
        "create": ("get", reverse("quickwins:milestone_create")),
        "edit": ("get", reverse("quickwins:milestone_edit", args=[milestone.pk])),
        "delete": ("get", reverse("quickwins:milestone_delete", args=[milestone.pk])),
    }


# Everyone reads the list (their own or their teams'); only the lead configures.
MATRIX = {
    "rita": {"list": 200, "create": 403, "edit": 403, "delete": 403},
    "mads": {"list": 200, "create": 403, "edit": 403, "delete": 403},
    "lene": {"list": 200, "create": 200, "edit": 200, "delete": 200},
    "sam": {"list": 200, "create": 403, "edit": 403, "delete": 403},
    "maja": {"list": 200, "create": 403, "edit": 403, "delete": 403},
}


@pytest.mark.parametrize("username", PEOPLE)
def test_permission_matrix(world: Any, milestone: QuickWinMilestone, username: str) -> None:
    client = world.client_for(getattr(world, username))
    assert_pages(client, {page: send(method, url) for page, (method, url) in _urls(milestone).items()}, MATRIX[username])
    delete = client.post(reverse("quickwins:milestone_delete", args=[milestone.pk]))
    assert delete.status_code == (302 if username == "lene" else 403)
    assert QuickWinMilestone.objects.filter(pk=milestone.pk).exists() is (username != "lene")


def test_anonymous_is_sent_to_login_everywhere(world: Any, milestone: QuickWinMilestone) -> None:
    urls = [url for _m, url in _urls(milestone).values()]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    read = Client().post(reverse("quickwins:nudge_read", args=[1]))
    assert read["Location"].startswith(reverse("login"))


def test_lead_of_another_organisation_gets_404(world: Any, milestone: QuickWinMilestone) -> None:
    other_lead = factories.UserFactory(username="otherlead")
    factories.MembershipFactory(user=other_lead, role=factories.RoleFactory(kind=RoleKind.PROJECT_LEAD))
    client = world.client_for(other_lead)
    assert client.get(reverse("quickwins:milestone_edit", args=[milestone.pk])).status_code == 404
    assert client.post(reverse("quickwins:milestone_delete", args=[milestone.pk])).status_code == 404


def test_rep_sees_own_milestone_with_status_and_days_left(world: Any, milestone: QuickWinMilestone) -> None:
    today = timezone.localdate()
    # The stored result agrees with the membership (a refresh after login keeps it).
    Membership.objects.filter(user=world.rita).update(go_live_on=today - dt.timedelta(days=4))
    ResultFactory(milestone=milestone, user=world.rita, go_live_on=today - dt.timedelta(days=4),
                  due_on=today + dt.timedelta(days=3))
    ResultFactory(milestone=milestone, user=world.ronja, status=QuickWinStatus.MISSED)
    html = world.client_for(world.rita).get(reverse("quickwins:milestones")).content.decode()
    assert "Log your first meeting" in html
    assert "status-pending" in html
    assert "3 days left" in html
    assert "status-missed" not in html  # ronja's result is not rita's business


def test_rep_without_go_live_sees_the_milestone_explained(world: Any, milestone: QuickWinMilestone) -> None:
    html = world.client_for(world.rita).get(reverse("quickwins:milestones")).content.decode()
    assert "7 days after your go-live" in html
    assert "Starts when your go-live date is set." in html


def test_manager_sees_their_teams_people_only(world: Any, milestone: QuickWinMilestone) -> None:
    ResultFactory(milestone=milestone, user=world.rita, status=QuickWinStatus.ON_TIME)
    ResultFactory(milestone=milestone, user=world.ronja, status=QuickWinStatus.MISSED)  # South, not mads's
    response = world.client_for(world.mads).get(reverse("quickwins:milestones"))
    people = [row["person"].username for row in response.context["team"]]
    assert people == ["rita", "sam"]
    assert "status-on_time" in response.content.decode()
    assert "status-missed" not in response.content.decode()


def test_lead_sees_counts_and_time_to_first_value_with_numbers(world: Any, milestone: QuickWinMilestone) -> None:
    ResultFactory(milestone=milestone, user=world.rita, status=QuickWinStatus.ON_TIME, days_to_first_value=2)
    ResultFactory(milestone=milestone, user=world.ronja, status=QuickWinStatus.LATE, days_to_first_value=9)
    response = world.client_for(world.lene).get(reverse("quickwins:milestones"))
    html = response.content.decode()
    [summary] = response.context["summaries"]
    assert (summary.on_time, summary.late, summary.pending, summary.missed) == (1, 1, 0, 0)
    [chart] = response.context["charts"]
    assert chart["ttfv"].median == 5.5
    assert chart["bars"][2] == ("day 2", 1)
    assert chart["bars"][9] == ("day 9", 1)
    assert len(chart["bars"]) == 10
    assert "Median days after go-live: 5.5 (2 people achieved a quick win)." in html
    assert 'class="chart"' in html


def test_time_to_first_value_takes_each_persons_earliest_milestone(world: Any, milestone: QuickWinMilestone) -> None:
    second = MilestoneFactory(role=world.roles[RoleKind.SALES_REP], event_kind=EventKind.CALL_LOGGED, name="Call")
    ResultFactory(milestone=milestone, user=world.rita, status=QuickWinStatus.ON_TIME, days_to_first_value=4)
    ResultFactory(milestone=second, user=world.rita, status=QuickWinStatus.ON_TIME, days_to_first_value=1)
    [chart] = world.client_for(world.lene).get(reverse("quickwins:milestones")).context["charts"]
    assert chart["ttfv"].histogram == {1: 1}


def test_milestone_form_rejects_unknown_event_kind_and_keeps_input(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("quickwins:milestone_create"), {
        "role": world.roles[RoleKind.SALES_REP].pk, "name": "My typed name", "event_kind": "fax_sent",
        "due_days": "0",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "“fax_sent” is not an event kind we record; choose one from the list." in html
    assert "My typed name" in html
    assert not QuickWinMilestone.objects.exists()


def test_milestone_form_rejects_zero_due_days_from_the_service(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("quickwins:milestone_create"), {
        "role": world.roles[RoleKind.SALES_REP].pk, "name": "First meeting",
        "event_kind": EventKind.MEETING_LOGGED, "due_days": "0",
    })
    assert "The deadline must be at least 1 day after go-live." in response.content.decode()
    assert not QuickWinMilestone.objects.exists()


def test_lead_creates_and_edits_a_milestone(world: Any) -> None:
    client = world.client_for(world.lene)
    data = {"role": world.roles[RoleKind.SERVICE_AGENT].pk, "name": "Log a case",
            "event_kind": EventKind.CASE_LOGGED, "due_days": "7"}
    assert client.post(reverse("quickwins:milestone_create"), data).status_code == 302
    milestone = QuickWinMilestone.objects.get()
    data["due_days"] = "5"
    assert client.post(reverse("quickwins:milestone_edit", args=[milestone.pk]), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_days == 5


def _nudge_for(world: Any, milestone: QuickWinMilestone) -> Nudge:
    today = timezone.localdate()
    ResultFactory(milestone=milestone, user=world.rita, due_on=today + dt.timedelta(days=2))
    deadline_nudges_send(today=today)
    return Nudge.objects.get(user=world.rita)


def test_mark_read_only_for_your_own_nudge(world: Any, milestone: QuickWinMilestone) -> None:
    nudge = _nudge_for(world, milestone)
    for username in ["ronja", "mads", "lene", "sam", "maja"]:
        response = world.client_for(getattr(world, username)).post(reverse("quickwins:nudge_read", args=[nudge.pk]))
        assert response.status_code == 404, username
    response = world.client_for(world.rita).post(
        reverse("quickwins:nudge_read", args=[nudge.pk]), {"next": reverse("quickwins:milestones")})
    assert response.status_code == 302
    assert response["Location"] == reverse("quickwins:milestones")
    nudge.refresh_from_db()
    assert nudge.read_at is not None
    assert open_nudges(user_id=world.rita.pk) == []


def test_mark_read_refuses_an_offsite_redirect(world: Any, milestone: QuickWinMilestone) -> None:
    nudge = _nudge_for(world, milestone)
    response = world.client_for(world.rita).post(
        reverse("quickwins:nudge_read", args=[nudge.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == "/me/"


def test_mark_read_over_https_refuses_a_plain_http_redirect(world: Any, milestone: QuickWinMilestone) -> None:
    nudge = _nudge_for(world, milestone)
    response = world.client_for(world.rita).post(
        reverse("quickwins:nudge_read", args=[nudge.pk]), {"next": "http://testserver/quickwins/"}, secure=True)
    assert response["Location"] == reverse("dashboards:me")


def test_nudges_snippet_lists_open_nudges_with_a_mark_read_button(world: Any, milestone: QuickWinMilestone) -> None:
    nudge = _nudge_for(world, milestone)
    request = RequestFactory().get("/me/")
    request.user = world.rita
    html = render_to_string("quickwins/_nudges.html", {"nudges": open_nudges(user_id=world.rita.pk)}, request)
    assert "Your quick win “Log your first meeting” is due on" in html
    assert reverse("quickwins:nudge_read", args=[nudge.pk]) in html
    assert '<button type="submit">Mark read</button>' in html


def test_pages_render_in_danish(world: Any, milestone: QuickWinMilestone) -> None:
    html = world.client_for(world.rita).get(reverse("quickwins:milestones"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Dine hurtige gevinster" in html.content.decode()
    lead = world.client_for(world.lene).get(reverse("quickwins:milestones"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Tid til første værdi pr. rolle" in lead.content.decode()


def test_a_live_phase_gives_the_due_date_before_the_refresh_job_has_run(world: Any) -> None:
    from apps.rollout.models import PhaseStatus, RolloutPhase
    from apps.rollout.services import phase_go_live

    today = timezone.localdate()
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP], name="First call", due_days=7,
                                 event_kind=EventKind.CALL_LOGGED)
    phase = RolloutPhase.objects.create(organisation=world.org, name="Phase 1", order=1, status=PhaseStatus.PLANNED,
                                        planned_start=today - dt.timedelta(days=10), go_live_on=today)
    phase.teams.add(world.north)
    phase_go_live(phase=phase, actor_id=world.lene.pk)  # stores go-live dates; results come with the job
    factories.UsageEventFactory(user=world.rita, kind=EventKind.CALL_LOGGED)

    html = world.client_for(world.rita).get(reverse("quickwins:milestones")).content.decode()
    assert "Starts when your go-live date is set" not in html
    assert (today + dt.timedelta(days=7)).strftime("%-d %b %Y") in html
    assert "status-on_time" in html
    assert milestone.name in html


def test_a_phase_covering_the_role_counts_even_without_a_stored_date(world: Any) -> None:
    from apps.people.selectors import go_live_of
    from apps.rollout.models import PhaseStatus, RolloutPhase

    today = timezone.localdate()
    phase = RolloutPhase.objects.create(organisation=world.org, name="Reps", order=1, status=PhaseStatus.LIVE,
                                        planned_start=today - dt.timedelta(days=30),
                                        go_live_on=today - dt.timedelta(days=20))
    phase.roles.add(world.roles[RoleKind.SALES_REP])
    world.rita.date_joined = timezone.now() - dt.timedelta(days=60)
    world.rita.save(update_fields=["date_joined"])
    assert go_live_of(user_id=world.rita.pk) == today - dt.timedelta(days=20)
    assert go_live_of(user_id=world.mads.pk) is None  # a manager's role is not covered
