"""From an empty database to a rep's first logged activity and a manager seeing their team."""

import datetime as dt
import re
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.activities.models import Activity, Stage
from apps.roles.models import Organisation, Team, TeamMember
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAMS = ["Nord", "Syd", "Øst", "Vest"]


def _people_csv(path: Path) -> Path:
    """40 people in 4 teams of 10, the first of each team its manager (Danish headers)."""
    lines = ["Fulde navn;E-mail;Rolle;Team;Leder"]
    for i in range(40):
        team = TEAMS[i // 10]
        manager = i % 10 == 0
        lines.append(f"Person {i:02d};p{i:02d}@fjord.dk;{'Manager' if manager else 'Sales rep'};{team};"
                     f"{'ja' if manager else 'nej'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _link_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/organisation/people/welcome/\S+/)", body)
    assert match, body
    return match.group(1)


def _set_password(page: Any, path: str, password: str) -> None:
    page.goto(path)
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.get_by_role("button", name="Save password").click()
    page.wait_for_selector("text=Password saved")


def _login(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def test_first_run_from_an_empty_database(page: Any, live_server: Any, tmp_path: Path) -> None:
    started = time.perf_counter()
    assert not Organisation.objects.exists()
    out = StringIO()
    call_command("organisation_create", "--name", "Fjord ApS", "--lead-email", "lead@fjord.dk",
                 "--base-url", live_server.url, stdout=out)

    # The lead sets a password from the printed link (and lands signed in on their first page).
    _set_password(page, _link_path(out.getvalue()), "Lead-secret-2026")
    assert page.url.endswith("/welcome/")
    assert "Import your people" in page.get_by_test_id("next-step").inner_text()
    _login(page, "lead@fjord.dk", "Lead-secret-2026")

    # ... imports the people file: 40 people in 4 teams, each with a manager.
    page.goto("/organisation/people/import/")
    page.set_input_files("#id_file", str(_people_csv(tmp_path / "people.csv")))
    page.get_by_role("button", name="Upload and preview").click()
    assert "New 40, updated 0, unchanged 0." in page.get_by_test_id("preview-counts").inner_text()
    page.get_by_role("button", name="Import", exact=True).click()
    assert "New 40, updated 0, unchanged 0." in page.get_by_test_id("result-counts").inner_text()
    organisation = Organisation.objects.get()
    assert sorted(Team.objects.filter(organisation=organisation).values_list("name", flat=True)) == sorted(TEAMS)
    assert TeamMember.objects.filter(team__organisation=organisation, is_manager=True).count() == 4

    # ... and takes the first rollout phase live for team Nord today.
    today = timezone.localdate()
    page.goto("/rollout/new/")
    page.fill("#id_name", "Nord first")
    page.get_by_label("Nord", exact=True).check()
    page.fill("#id_planned_start", today.isoformat())
    page.fill("#id_go_live_on", today.isoformat())
    page.get_by_role("button", name="Save phase").click()
    page.get_by_role("button", name="Go live", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Log out").click()

    # A rep opens their invitation, sets a password and sees what the CRM gives them.
    invitation = next(m for m in mail.outbox if m.to == ["p01@fjord.dk"])
    rep = TeamMember.objects.get(user__username="p01@fjord.dk").user
    account = factories.AccountFactory(organisation=organisation, name="Bornholm Bryghus")
    factories.DealFactory(account=account, owner=rep, stage=Stage.objects.get(organisation=organisation, order=1),
                          name="Brewery pilot", last_activity_at=timezone.now())
    _set_password(page, _link_path(invitation.body), "Rep-secret-2026")
    assert page.url.endswith("/welcome/")
    give_gets = page.get_by_test_id("give-gets").inner_text()
    assert "you get “Weekly digest”, which saves you about 60 minutes every week" in give_gets
    quick_win = page.get_by_test_id("week-one-quick-win").inner_text()
    due = today + dt.timedelta(days=7)
    assert "Log your first call" in quick_win
    assert f"it is due on {due.day} {due:%B %Y}" in quick_win
    assert "Pending" in quick_win

    # The one next step opens the log form on a call; the rep logs their first activity.
    page.get_by_test_id("next-step").get_by_role("link").click()
    page.wait_for_selector("#target-search")
    page.locator("#target-search").type("brewery")
    page.wait_for_selector("#target-list [role=option]:has-text('Brewery pilot')")
    page.keyboard.press("Enter")
    page.keyboard.type("First call with the brewery")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=logged]")
    first_activity = time.perf_counter() - started
    assert Activity.objects.get(owner=rep).type == "call"

    # The week-one quick win has turned achieved.
    page.goto("/welcome/")
    assert "Achieved on time" in page.get_by_test_id("week-one-quick-win").inner_text()
    page.goto("/quickwins/")
    assert "Achieved on time" in page.get_by_test_id("own-status").inner_text()
    page.get_by_role("button", name="Log out").click()

    # The manager of Nord sets a password and sees the team.
    manager_mail = next(m for m in mail.outbox if m.to == ["p00@fjord.dk"])
    _set_password(page, _link_path(manager_mail.body), "Manager-secret-2026")
    _login(page, "p00@fjord.dk", "Manager-secret-2026")
    assert page.url.endswith("/team/")
    assert "Person 01" in page.content()
    assert "Person 11" not in page.content()  # team Syd is not theirs
    elapsed = time.perf_counter() - started
    print(f"first run: empty database to the first logged activity {first_activity:.1f} s; "
          f"to the manager seeing the team {elapsed:.1f} s")
