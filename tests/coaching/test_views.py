"""Coaching pages: who may open them, what they show, and that a look is recorded."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from apps.activities.models import Deal
from apps.coaching.diagnostics import MIN_STAGE_EXITS
from apps.givegets.models import Delivery, DeliveryKind
from apps.roles.models import RoleKind
from apps.trust.models import AccessRecord
from apps.usage.kinds import EventKind
from tests import factories
from tests.coaching.factories import DAY, deal_with_history

PEOPLE = ["rita", "ronja", "mads", "lene", "sam", "maja"]


def status_for(world, username, url):
    client = Client() if username == "anonymous" else world.client_for(getattr(world, username))
    return client.get(url)


@pytest.mark.parametrize(
    ("username", "expected"),
    [("rita", 403), ("ronja", 403), ("mads", 200), ("lene", 403), ("sam", 403), ("maja", 403)],
)
def test_team_page_is_for_managers_only(world, username, expected):
    assert status_for(world, username, reverse("coaching:team")).status_code == expected
    assert status_for(world, username, reverse("coaching:team_detail", args=[world.north.pk])).status_code == expected


@pytest.mark.parametrize(
    ("username", "expected"),
    # Leads see aggregates only, never one person's coaching page.
    [("rita", 403), ("ronja", 403), ("mads", 200), ("lene", 403), ("sam", 403), ("maja", 403)],
)
def test_rep_page_is_for_the_reps_manager_only(world, username, expected):
    url = reverse("coaching:rep", args=[world.north.pk, world.rita.pk])
    assert status_for(world, username, url).status_code == expected


@pytest.mark.parametrize(
    "url_name", ["coaching:team", "coaching:team_detail", "coaching:rep"],
)
def test_anonymous_is_sent_to_login(world, url_name):
    args = {"coaching:team": [], "coaching:team_detail": [world.north.pk],
            "coaching:rep": [world.north.pk, world.rita.pk]}[url_name]
    response = status_for(world, "anonymous", reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("team", "person"),
    [("south", "ronja"),  # another team and its rep
     ("north", "ronja"),  # a rep who is not in the team asked for
     ("north", "mads"),  # the manager themself is not coached
     ("south", "rita")],
)
def test_manager_outside_their_scope_gets_404(world, team, person):
    url = reverse("coaching:rep", args=[getattr(world, team).pk, getattr(world, person).pk])
    assert world.client_for(world.mads).get(url).status_code == 404
    assert world.client_for(world.mads).get(
        reverse("coaching:team_detail", args=[world.south.pk])
    ).status_code == 404
    assert world.client_for(world.mads).get(reverse("coaching:rep", args=[world.north.pk, 999999])).status_code == 404


def test_manager_of_several_teams_gets_a_team_selector(world):
    factories.TeamMemberFactory(team=world.south, user=world.mads, is_manager=True)
    response = world.client_for(world.mads).get(reverse("coaching:team_detail", args=[world.south.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("coaching:team_detail", args=[world.north.pk]) in html
    assert "Ronja Test" in html
    assert "Rita Test" not in html


def test_without_a_team_asked_for_the_first_managed_team_by_name_is_shown(world):
    # Managed first, but "South" sorts after "North": the default follows the team selector's order.
    factories.TeamMemberFactory(team=world.south, user=world.mads, is_manager=True)
    world.north.name = "Zealand"
    world.north.save(update_fields=["name"])
    response = world.client_for(world.mads).get(reverse("coaching:team"))
    assert response.context["coaching"].team == world.south
    assert [t.name for t in response.context["teams"]] == ["South", "Zealand"]


def test_opening_the_coaching_pages_delivers_the_managers_diagnostic_once_a_week(world):
    factories.ContractFactory(role=world.roles[RoleKind.MANAGER], give_kind=EventKind.NOTE_LOGGED,
                              get_kind=DeliveryKind.COACHING_DIAGNOSTIC)
    client = world.client_for(world.mads)
    client.get(reverse("coaching:team"))
    client.get(reverse("coaching:rep", args=[world.north.pk, world.rita.pk]))
    delivery = Delivery.objects.get()
    assert (delivery.user_id, delivery.kind) == (world.mads.pk, DeliveryKind.COACHING_DIAGNOSTIC)
    assert delivery.consumed_at is not None
    assert delivery.contract is not None


def test_the_team_page_and_a_reps_page_are_each_recorded_for_the_people_shown(world):
    client = world.client_for(world.mads)
    client.get(reverse("coaching:team"))
    team_looks = set(AccessRecord.objects.values_list("subject__username", "what"))
    assert team_looks == {("rita", "team coaching page"), ("sam", "team coaching page")}
    client.get(reverse("coaching:rep", args=[world.north.pk, world.rita.pk]))
    record = AccessRecord.objects.exclude(what="team coaching page").get()
    assert (record.viewer, record.subject, record.what) == (world.mads, world.rita, "coaching page")


def _history(world, owner, *, deals, days_in_lead, won_share=1.0):
    account = factories.AccountFactory(organisation=world.org)
    lead, meeting, _proposal, won = world.stages
    lost = world.stages_lost
    for n in range(deals):
        closing = won if n < round(deals * won_share) else lost
        deal_with_history(owner=owner, account=account, engaged_on=dt.date(2026, 3, 2) + dt.timedelta(days=n),
                          first=lead, steps=[(meeting, days_in_lead * DAY), (closing, 2 * DAY)])


@pytest.fixture
def lost_stage(world):
    world.stages_lost = factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    return world.stages_lost


def test_rep_page_shows_figures_equal_to_the_rows_and_a_chart(world, lost_stage):
    _history(world, world.rita, deals=MIN_STAGE_EXITS + 1, days_in_lead=12, won_share=0.5)
    _history(world, world.sam, deals=MIN_STAGE_EXITS, days_in_lead=3)
    response = world.client_for(world.mads).get(reverse("coaching:rep", args=[world.north.pk, world.rita.pk]))
    html = response.content.decode()
    rita_deals = Deal.objects.filter(owner=world.rita).select_related("stage")
    won = sum(d.stage.is_won for d in rita_deals)
    closed = sum(d.stage.is_closed for d in rita_deals)
    assert f"{won / closed * 100:.0f} % <span class=\"muted\">({won}/{closed})</span>" in html
    assert "12.0 <span" in html  # Rita's days in Lead
    team_days = (6 * 12 + 5 * 3) / 11
    assert f"{team_days:.1f} <span" in html
    assert '<svg class="chart"' in html
    assert "Lead – Rita Test" in html
    assert "Practise moving deals from Lead to Meeting" in html  # 12 days against a team of 7.9


def test_figures_below_the_minimum_sample_are_greyed_out(world, lost_stage):
    _history(world, world.rita, deals=MIN_STAGE_EXITS - 1, days_in_lead=30)
    _history(world, world.sam, deals=MIN_STAGE_EXITS + 5, days_in_lead=2)
    response = world.client_for(world.mads).get(reverse("coaching:team"))
    html = response.content.decode()
    assert f"too few deals ({MIN_STAGE_EXITS - 1})" in html
    assert "30.0" not in html  # the slow but small sample is never shown as a comparable figure
    assert "slower than the team" not in html


def test_no_activity_counts_or_ranking_on_the_coaching_pages(world, lost_stage):
    factories.UsageEventFactory.create_batch(7, user=world.rita)
    page = world.client_for(world.mads).get(reverse("coaching:team")).content.decode()
    main = page[page.index("<main"):page.index("</main>")].lower()
    assert "logged" not in main
    assert "activities" not in main
    assert "rank" not in main.replace("no ranking", "")


def test_team_page_in_danish(world):
    response = world.client_for(world.mads).get(reverse("coaching:team"), HTTP_ACCEPT_LANGUAGE="da")
    html = response.content.decode()
    assert "Vinderrate" in html
    assert "Foreslået coachingemne" in html


@pytest.mark.parametrize(
    "url_name", ["coaching:team", "coaching:team_detail", "coaching:rep"],
)
def test_account_without_a_role_is_forbidden(world, url_name):
    outsider = factories.UserFactory(username="outsider")
    args = {"coaching:team": [], "coaching:team_detail": [world.north.pk],
            "coaching:rep": [world.north.pk, world.rita.pk]}[url_name]
    assert world.client_for(outsider).get(reverse(url_name, args=args)).status_code == 403


def test_team_page_and_coaching_page_show_the_same_days_in_stage_and_unknown_as_unknown(world):
    """One selector: the rep's days in a stage read the same on /team/ and /coaching/."""
    import re

    from apps.activities.services import StageMove, deals_move_stage

    account = factories.AccountFactory(organisation=world.org)
    lead, meeting = world.stages[0], world.stages[1]
    for days in (2, 3, 4, 5, 6):
        deal_with_history(owner=world.rita, account=account, engaged_on=dt.date(2026, 1, 5),
                          steps=[(meeting, days * DAY)], first=lead)
    seen = factories.DealFactory(account=None, owner=world.rita, stage=meeting, stage_entered_at=None)
    deals_move_stage(moves=[StageMove(deal=seen, to_stage=world.stages[2], at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                                      at_is_known=False)])
    client = world.client_for(world.mads)

    def rita_days_row(html):
        table = html.split('data-testid="days"', 1)[1].split("</table>", 1)[0]
        row = next(r for r in table.split("<tr>") if ">Rita Test<" in r)
        return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in row.split("<td")[1:]]

    team = rita_days_row(client.get(reverse("dashboards:team")).content.decode())
    coaching = rita_days_row(client.get(reverse("coaching:team")).content.decode())
    cells = [" ".join(re.sub(r"^[^>]*>", "", c).split()) for c in team]
    assert cells == [" ".join(re.sub(r"^[^>]*>", "", c).split()) for c in coaching]
    assert cells[0].startswith("4.0 (5)")  # Lead: (2 + 3 + 4 + 5 + 6) / 5 days, five stays
    assert "unknown (1)" in cells[1]  # Meeting: one stay whose length nobody knows
