"""Trust pages: the permission matrix, editing the charter, and who looked at my data."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.trust.models import DataUseStatement
from apps.trust.services import access_record
from tests import factories

MEMBERS = ["rita", "ronja", "mads", "lene", "sam", "maja"]
EVERYONE_PAGES = ["trust:charter", "trust:my_data", "trust:my_data_json", "trust:my_data_csv"]


@pytest.mark.parametrize("url_name", [*EVERYONE_PAGES, "trust:charter_edit"])
def test_anonymous_is_sent_to_login(world, url_name):
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", MEMBERS)
@pytest.mark.parametrize("url_name", EVERYONE_PAGES)
def test_every_member_may_read_the_charter_and_their_own_data(world, username, url_name):
    assert world.client_for(getattr(world, username)).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(("username", "expected"), [(u, 200 if u == "lene" else 403) for u in MEMBERS])
def test_only_the_project_lead_edits_the_charter(world, username, expected):
    client = world.client_for(getattr(world, username))
    assert client.get(reverse("trust:charter_edit")).status_code == expected
    response = client.post(reverse("trust:charter_edit"), _post([("Hacked", "a", "b", "0")]))
    assert response.status_code == (302 if expected == 200 else 403)
    assert DataUseStatement.objects.filter(category="Hacked").exists() == (expected == 200)


def _post(lines, existing=()):
    """Return formset POST data: `existing` is [(pk, category, used, never, order, delete)]."""
    data = {"form-TOTAL_FORMS": str(len(existing) + len(lines)), "form-INITIAL_FORMS": str(len(existing)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for i, (pk, category, used, never, order, delete) in enumerate(existing):
        data.update({f"form-{i}-id": str(pk), f"form-{i}-category": category, f"form-{i}-used_for": used,
                     f"form-{i}-never_used_for": never, f"form-{i}-order": order})
        if delete:
            data[f"form-{i}-DELETE"] = "on"
    for j, (category, used, never, order) in enumerate(lines, start=len(existing)):
        data.update({f"form-{j}-id": "", f"form-{j}-category": category, f"form-{j}-used_for": used,
                     f"form-{j}-never_used_for": never, f"form-{j}-order": order})
    return data


@pytest.fixture
def charter(world):
    return [
        DataUseStatement.objects.create(organisation=world.org, category="Activity log", used_for="Your digest",
                                        never_used_for="Ranking people", order=1),
        DataUseStatement.objects.create(organisation=world.org, category="Pulse", used_for="Averages",
                                        never_used_for="Single answers", order=2),
    ]


def test_lead_edits_adds_and_removes_lines_and_everyone_reads_them(world, charter):
    activity, pulse = charter
    response = world.client_for(world.lene).post(reverse("trust:charter_edit"), _post(
        [("Entry time", "Speed-ups", "Judging effort", "3"), ("", "", "", "0")],  # the empty line is ignored
        existing=[(activity.pk, "Activity log", "Your digest and next steps", "Ranking people", "1", False),
                  (pulse.pk, "Pulse", "Averages", "Single answers", "2", True)],
    ))
    assert response.status_code == 302
    assert list(DataUseStatement.objects.values_list("category", flat=True)) == ["Activity log", "Entry time"]
    html = world.client_for(world.rita).get(reverse("trust:charter")).content.decode()
    assert "Your digest and next steps" in html
    assert "Judging effort" in html
    assert "Single answers" not in html
    assert reverse("trust:charter_edit") not in html  # no edit link for a rep


def test_missing_text_shows_an_error_keeps_the_typing_and_saves_nothing(world, charter):
    activity, pulse = charter
    response = world.client_for(world.lene).post(reverse("trust:charter_edit"), _post(
        [("Deal stages", "Coaching", "", "3")],
        existing=[(activity.pk, "Activity log", "Changed text", "Ranking people", "1", False),
                  (pulse.pk, "Pulse", "Averages", "Single answers", "2", True)],
    ))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The charter was not saved" in html
    assert "This field is required." in html
    assert 'value="Deal stages"' in html
    assert "Changed text" in html
    assert list(DataUseStatement.objects.values_list("category", "used_for")) == [
        ("Activity log", "Your digest"), ("Pulse", "Averages")]


def test_duplicate_category_is_refused(world, charter):
    activity, pulse = charter
    response = world.client_for(world.lene).post(reverse("trust:charter_edit"), _post(
        [("activity LOG", "Something", "Else", "3")],
        existing=[(activity.pk, "Activity log", "Your digest", "Ranking people", "1", False),
                  (pulse.pk, "Pulse", "Averages", "Single answers", "2", False)],
    ))
    assert response.status_code == 400
    assert "Each data category may appear only once." in response.content.decode()
    assert DataUseStatement.objects.count() == 2


def test_add_a_line_keeps_what_was_typed_and_saves_nothing(world, charter):
    activity, pulse = charter
    data = _post([("Half typed", "", "", "0")],
                 existing=[(activity.pk, "Activity log", "Your digest", "Ranking people", "1", False),
                           (pulse.pk, "Pulse", "Averages", "Single answers", "2", False)])
    data["add_row"] = "1"
    response = world.client_for(world.lene).post(reverse("trust:charter_edit"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="charter-line"') == 4
    assert 'value="Half typed"' in html
    assert "This field is required." not in html
    assert DataUseStatement.objects.count() == 2


def test_my_data_lists_who_looked_at_me_and_only_me(world):
    access_record(viewer_id=world.mads.pk, subject_id=world.rita.pk, what="coaching page")
    access_record(viewer_id=world.mads.pk, subject_id=world.ronja.pk, what="score dashboard")
    html = world.client_for(world.rita).get(reverse("trust:my_data")).content.decode()
    assert "Mads Test" in html
    assert "coaching page" in html
    assert "score dashboard" not in html
    html = world.client_for(world.sam).get(reverse("trust:my_data")).content.decode()
    assert "Nobody has opened your personal data." in html


def test_my_data_in_danish(world):
    access_record(viewer_id=world.mads.pk, subject_id=world.rita.pk, what="coaching page")
    response = world.client_for(world.rita).get(reverse("trust:my_data"), HTTP_ACCEPT_LANGUAGE="da")
    html = response.content.decode()
    assert "Hvem har kigget på mine data" in html
    assert "coachingside" in html


@pytest.mark.parametrize("url_name", [*EVERYONE_PAGES, "trust:charter_edit"])
def test_account_without_a_role_is_forbidden(world, url_name):
    outsider = factories.UserFactory(username="outsider")
    assert world.client_for(outsider).get(reverse(url_name)).status_code == 403
