"""Customer pages: who may open them, the case form, and the customer-context get."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from apps.activities.forms import sign_shown_at
from apps.givegets.models import Delivery, DeliveryKind
from apps.roles.models import RoleKind
from apps.service.models import Case, CaseStatus
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.permissions import assert_pages, client_as, send
from tests.service.factories import CaseFactory


@pytest.fixture
def account(world):
    return factories.AccountFactory(organisation=world.org, name="Bornholm Bryghus")


@pytest.fixture
def case(world, account):
    return CaseFactory(account=account, opened_by=world.sam, subject="Invoice wrong")


@pytest.fixture
def outsider(db):
    """A service agent of another organisation."""
    role = factories.RoleFactory(kind=RoleKind.SERVICE_AGENT)
    user = factories.UserFactory(username="otto")
    factories.MembershipFactory(user=user, role=role)
    return user


def _urls(account, case):
    return {
        "accounts": ("get", reverse("service:accounts")),
        "timeline": ("get", reverse("service:timeline", args=[account.pk])),
        "case_form": ("get", reverse("service:case_log")),
        "case_status": ("post", reverse("service:case_status", args=[case.pk])),
    }


# Expected status per person and URL. Accounts are company data for reps, managers and service agents;
# only service agents log cases; marketers and the project lead have no business here.
MATRIX = {
    "rita": {"accounts": 200, "timeline": 200, "case_form": 403, "case_status": 403},
    "mads": {"accounts": 200, "timeline": 200, "case_form": 403, "case_status": 403},
    "lene": {"accounts": 403, "timeline": 403, "case_form": 403, "case_status": 403},
    "sam": {"accounts": 200, "timeline": 200, "case_form": 200, "case_status": 302},
    "maja": {"accounts": 403, "timeline": 403, "case_form": 403, "case_status": 403},
    "otto": {"accounts": 200, "timeline": 404, "case_form": 200, "case_status": 404},
}


@pytest.mark.parametrize("person", list(MATRIX))
def test_permission_matrix(world, account, case, outsider, person):
    client = client_as(world, person, extra_people={"otto": outsider})
    requests = {
        name: send(method, url, {"status": CaseStatus.SOLVED} if method == "post" else None)
        for name, (method, url) in _urls(account, case).items()
    }
    assert_pages(client, requests, MATRIX[person])


def test_anonymous_people_are_sent_to_log_in(world, account, case):
    for method, url in _urls(account, case).values():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_only_service_agents_see_the_customers_entry_in_the_navigation(world):
    assert 'href="/service/accounts/"' in world.client_for(world.sam).get(reverse("service:accounts")).content.decode()
    assert 'href="/service/accounts/"' not in world.client_for(world.maja).get(reverse("trust:charter")).content.decode()


def test_account_list_searches_by_name(world, account):
    factories.AccountFactory(organisation=world.org, name="Skive Staal")
    response = world.client_for(world.sam).get(reverse("service:accounts"), {"q": "bornholm"})
    assert [a.name for a in response.context["page"].object_list] == ["Bornholm Bryghus"]


def test_timeline_shows_another_person_s_activity_and_the_case(world, account, case):
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], name="Bryghus pilot")
    response = world.client_for(world.mads).get(reverse("service:timeline", args=[account.pk]))
    body = response.content.decode()
    assert "Invoice wrong" in body
    assert "Bryghus pilot" in body
    assert "Rita Test" in body


def test_opening_a_timeline_delivers_the_customer_context_to_a_service_agent_only(world, account):
    world.client_for(world.rita).get(reverse("service:timeline", args=[account.pk]))
    assert not Delivery.objects.exists()
    sam = world.client_for(world.sam)
    sam.get(reverse("service:timeline", args=[account.pk]))
    sam.get(reverse("service:timeline", args=[account.pk]))
    delivery = Delivery.objects.get()
    assert (delivery.user_id, delivery.kind) == (world.sam.pk, DeliveryKind.CUSTOMER_CONTEXT)
    assert delivery.consumed_at is not None


def _case_post(account_text: str, subject: str = "Invoice wrong", token: str | None = None) -> dict[str, str]:
    from django.utils import timezone

    return {"account": account_text, "subject": subject, "channel": "phone", "status": "open", "description": "",
            "form_token": token or str(uuid.uuid4()), "shown_at": sign_shown_at(timezone.now())}


def test_case_form_is_prefilled_from_the_account_link(world, account):
    response = world.client_for(world.sam).get(reverse("service:case_log"), {"account": account.pk})
    assert 'value="Bornholm Bryghus"' in response.content.decode()
    assert response.context["focus_subject"] is True


def test_logging_a_case_saves_it_with_a_usage_event_and_opens_the_timeline(world, account):
    client = world.client_for(world.sam)
    data = _case_post("bornholm")
    response = client.post(reverse("service:case_log"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("service:timeline", args=[account.pk])
    case = Case.objects.get()
    assert (case.account_id, case.opened_by_id, case.subject) == (account.pk, world.sam.pk, "Invoice wrong")
    assert case.usage_event.kind == EventKind.CASE_LOGGED
    assert case.entry_seconds is not None
    # The same form submitted twice (a double click) logs one case.
    client.post(reverse("service:case_log"), data)
    assert Case.objects.count() == 1
    assert UsageEvent.objects.filter(kind=EventKind.CASE_LOGGED).count() == 1


def test_bad_input_shows_errors_keeps_what_was_typed_and_saves_nothing(world, account):
    factories.AccountFactory(organisation=world.org, name="Bornholm Bolcher")
    response = world.client_for(world.sam).post(reverse("service:case_log"), _case_post("bornholm", subject=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Several accounts match: Bornholm Bolcher, Bornholm Bryghus" in body
    assert "This field is required." in body
    assert 'value="bornholm"' in body
    assert 'aria-invalid="true"' in body
    assert not Case.objects.exists()
    assert not UsageEvent.objects.exclude(kind=EventKind.LOGIN).exists()  # the login is usage


def test_a_case_on_another_organisation_s_account_cannot_be_logged(world, account):
    factories.AccountFactory(name="Elsewhere ApS")
    response = world.client_for(world.sam).post(reverse("service:case_log"), _case_post("Elsewhere ApS"))
    assert "No account matches" in response.content.decode()
    assert not Case.objects.exists()


def test_service_agent_solves_a_case_from_the_timeline(world, case):
    response = world.client_for(world.sam).post(reverse("service:case_status", args=[case.pk]), {"status": "solved"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SOLVED
    assert case.solved_at is not None
    response = world.client_for(world.sam).post(reverse("service:case_status", args=[case.pk]), {"status": "nope"})
    case.refresh_from_db()
    assert case.status == CaseStatus.SOLVED


def test_timeline_page_reads_in_danish(world, account, case):
    response = world.client_for(world.sam).get(reverse("service:timeline", args=[account.pk]),
                                                HTTP_ACCEPT_LANGUAGE="da")
    body = response.content.decode()
    assert "Tidslinje" in body
    assert "Registrér en sag for denne kunde" in body


def test_case_form_reads_in_danish(world):
    response = world.client_for(world.sam).get(reverse("service:case_log"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Hvad har kunden brug for?" in response.content.decode()
