"""Give-Get pages: who may open what, what each role sees, and the contract form."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import ContractStatusKind, DeliveryKind, GiveGetContract
from apps.roles.models import RoleKind
from apps.usage.kinds import EventKind
from tests import factories
from tests.givegets.factories import ContractStatusFactory
from tests.permissions import assert_pages, send

PEOPLE = ["rita", "mads", "lene", "sam", "maja"]


@pytest.fixture
def contract(world: Any) -> GiveGetContract:
    return factories.ContractFactory(role=world.roles[RoleKind.SALES_REP], give_kind=EventKind.MEETING_LOGGED,
                                     get_kind=DeliveryKind.WEEKLY_DIGEST, wiifm="Log meetings, save an hour")


def _urls(contract: GiveGetContract) -> dict[str, tuple[str, str]]:
    return {
        "list": ("get", reverse("givegets:contracts")),
        "create": ("get", reverse("givegets:contract_create")),
        "edit": ("get", reverse("givegets:contract_edit", args=[contract.pk])),
        "deactivate": ("post", reverse("givegets:contract_set_active", args=[contract.pk])),
        "defaults": ("post", reverse("givegets:install_defaults")),
    }


# Expected status per page for each role: everyone reads the list; only the lead configures.
MATRIX = {
    "rita": {"list": 200, "create": 403, "edit": 403, "deactivate": 403, "defaults": 403},
    "mads": {"list": 200, "create": 403, "edit": 403, "deactivate": 403, "defaults": 403},
    "lene": {"list": 200, "create": 200, "edit": 200, "deactivate": 302, "defaults": 302},
    "sam": {"list": 200, "create": 403, "edit": 403, "deactivate": 403, "defaults": 403},
    "maja": {"list": 200, "create": 403, "edit": 403, "deactivate": 403, "defaults": 403},
}


@pytest.mark.parametrize("username", PEOPLE)
def test_permission_matrix(world: Any, contract: GiveGetContract, username: str) -> None:
    requests = {page: send(method, url) for page, (method, url) in _urls(contract).items()}
    assert_pages(world.client_for(getattr(world, username)), requests, MATRIX[username])


def test_anonymous_is_sent_to_login_everywhere(world: Any, contract: GiveGetContract) -> None:
    for method, url in _urls(contract).values():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_account_without_role_is_forbidden(world: Any, contract: GiveGetContract) -> None:
    stranger = factories.UserFactory(username="stranger")
    client = world.client_for(stranger)
    assert client.get(reverse("givegets:contracts")).status_code == 403


def test_lead_of_another_organisation_gets_404_for_our_contract(world: Any, contract: GiveGetContract) -> None:
    other_lead = factories.UserFactory(username="otherlead")
    factories.MembershipFactory(user=other_lead, role=factories.RoleFactory(kind=RoleKind.PROJECT_LEAD))
    client = world.client_for(other_lead)
    assert client.get(reverse("givegets:contract_edit", args=[contract.pk])).status_code == 404
    assert client.post(reverse("givegets:contract_set_active", args=[contract.pk])).status_code == 404
    contract.refresh_from_db()
    assert contract.is_active


def test_lead_sees_roles_with_broken_promises_first_with_counts(world: Any, contract: GiveGetContract) -> None:
    service_contract = factories.ContractFactory(
        role=world.roles[RoleKind.SERVICE_AGENT], give_kind=EventKind.CASE_LOGGED,
        get_kind=DeliveryKind.CUSTOMER_CONTEXT)
    settled = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    ContractStatusFactory(contract=contract, user=world.rita, status=ContractStatusKind.HONOURED, period_start=settled)
    ContractStatusFactory(contract=contract, user=world.ronja, status=ContractStatusKind.NOT_GIVING,
                          period_start=settled)
    ContractStatusFactory(contract=service_contract, user=world.sam, status=ContractStatusKind.BROKEN,
                          period_start=settled)
    # The week in progress: a promise not kept yet is not broken; a kept one shows as progress.
    ContractStatusFactory(contract=contract, user=world.ronja, status=ContractStatusKind.BROKEN)
    ContractStatusFactory(contract=contract, user=world.rita, status=ContractStatusKind.HONOURED)

    response = world.client_for(world.lene).get(reverse("givegets:contracts"))

    html = response.content.decode()
    assert html.index("Customer context in one view (") < html.index("Weekly digest (")
    assert response.context["totals"] == {"honoured": 1, "broken": 1, "not_giving": 1}
    assert [r.contract for r in response.context["broken_rows"]] == [service_contract]
    assert "1 person gave but got no Customer context in one view back" in html
    assert 'class="chart"' in html
    assert response.context["trend_rows"][-1] == (settled, 1, 1, 50.0)
    assert response.context["in_progress_honoured"] == 1
    assert "1 promise kept so far" in html


def test_rep_sees_own_contract_with_status_in_plain_words(world: Any, contract: GiveGetContract) -> None:
    ContractStatusFactory(contract=contract, user=world.rita, status=ContractStatusKind.BROKEN,
                          gave_count=3, delivered_count=1, consumed_count=0)
    ContractStatusFactory(contract=contract, user=world.ronja, status=ContractStatusKind.HONOURED)
    html = world.client_for(world.rita).get(reverse("givegets:contracts")).content.decode()
    assert "Log meetings, save an hour" in html
    assert "You gave 3 × “Meeting logged” this week; your weekly digest was delivered but not opened." in html
    assert "status-broken" in html
    assert "status-honoured" not in html  # ronja's status is not rita's business


def test_rep_of_another_role_does_not_see_sales_contracts(world: Any, contract: GiveGetContract) -> None:
    html = world.client_for(world.sam).get(reverse("givegets:contracts")).content.decode()
    assert "Log meetings, save an hour" not in html
    assert "Your role has no Give-Get contracts yet." in html


def test_manager_sees_only_their_teams_aggregates(world: Any, contract: GiveGetContract) -> None:
    settled = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    ContractStatusFactory(contract=contract, user=world.rita, status=ContractStatusKind.BROKEN, period_start=settled)
    ContractStatusFactory(contract=contract, user=world.ronja, status=ContractStatusKind.HONOURED,
                          period_start=settled)  # South
    ContractStatusFactory(contract=contract, user=world.rita, status=ContractStatusKind.HONOURED)  # in progress
    response = world.client_for(world.mads).get(reverse("givegets:contracts"))
    [row] = response.context["team_rows"]
    assert (row.honoured, row.broken, row.not_giving) == (0, 1, 0)
    assert "rita" not in response.content.decode().lower().split("<main", 1)[1].split("your teams", 1)[1]


def test_contract_form_shows_clear_errors_keeps_input_and_saves_nothing(world: Any) -> None:
    client = world.client_for(world.lene)
    response = client.post(reverse("givegets:contract_create"), {
        "role": world.roles[RoleKind.SALES_REP].pk, "give_kind": "", "give_expected_minutes": "0",
        "get_kind": "", "get_minutes_saved": "30", "cadence": "weekly", "wiifm": "My carefully typed promise",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "A contract needs a give: choose the event kind this role logs." in html
    assert "A contract needs a get: choose what this role gets back." in html
    assert "My carefully typed promise" in html
    assert not GiveGetContract.objects.exists()


def test_contract_form_reports_nonpositive_minutes_from_the_service(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("givegets:contract_create"), {
        "role": world.roles[RoleKind.SALES_REP].pk, "give_kind": EventKind.MEETING_LOGGED,
        "give_expected_minutes": "0", "get_kind": DeliveryKind.WEEKLY_DIGEST, "get_minutes_saved": "60",
        "cadence": "weekly", "wiifm": "",
    })
    assert "Expected minutes per occurrence must be more than 0." in response.content.decode()
    assert not GiveGetContract.objects.exists()


def test_lead_creates_edits_and_deactivates_a_contract(world: Any) -> None:
    client = world.client_for(world.lene)
    data = {
        "role": world.roles[RoleKind.MARKETER].pk, "give_kind": EventKind.CAMPAIGN_LOGGED,
        "give_expected_minutes": "5", "get_kind": DeliveryKind.CAMPAIGN_REPORT, "get_minutes_saved": "45",
        "cadence": "weekly", "wiifm": "Closed loop",
    }
    assert client.post(reverse("givegets:contract_create"), data).status_code == 302
    contract = GiveGetContract.objects.get()
    data["get_minutes_saved"] = "50"
    assert client.post(reverse("givegets:contract_edit", args=[contract.pk]), data).status_code == 302
    contract.refresh_from_db()
    assert contract.get_minutes_saved == Decimal("50")
    client.post(reverse("givegets:contract_set_active", args=[contract.pk]), {"active": "0"})
    contract.refresh_from_db()
    assert not contract.is_active
    client.post(reverse("givegets:contract_set_active", args=[contract.pk]), {"active": "1"})
    contract.refresh_from_db()
    assert contract.is_active


def test_install_defaults_button_installs_once(world: Any) -> None:
    client = world.client_for(world.lene)
    client.post(reverse("givegets:install_defaults"))
    count = GiveGetContract.objects.count()
    response = client.post(reverse("givegets:install_defaults"), follow=True)
    assert GiveGetContract.objects.count() == count > 0
    assert "already installed" in response.content.decode()


def test_pages_render_in_danish(world: Any, contract: GiveGetContract) -> None:
    html = world.client_for(world.rita).get(reverse("givegets:contracts"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Dine Give-Gets" in html
    lead_html = world.client_for(world.lene).get(
        reverse("givegets:contracts"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Brudte løfter i den seneste afsluttede uge" in lead_html
