"""The people pages pass axe-core's WCAG 2 A/AA checks (no serious or critical violations)."""

from typing import Any

import pytest

from tests.accessibility.test_axe import _violations
from tests.conftest import World, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_people_pages_are_accessible(world: World, page: Any, tmp_path: Any) -> None:
    world.lene.set_password("pw-for-tests")
    world.lene.save()
    browser_login(page, "lene")
    problems: list[str] = []
    for url in ["/organisation/people/", f"/organisation/people/{world.rita.pk}/", "/organisation/people/import/"]:
        page.goto(url)
        page.wait_for_load_state()
        problems += _violations(page)
    csv = tmp_path / "people.csv"
    csv.write_text("name,email,role,team,manager\nA B,ab@x.dk,Astronaut,North,no\nC D,cd@x.dk,Sales rep,North,no\n")
    page.set_input_files("#id_file", str(csv))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    problems += _violations(page)
    assert not problems, "\n".join(problems)


def test_the_roles_stages_welcome_and_correction_pages_are_accessible(world: World, page: Any) -> None:
    from apps.activities.services import activity_log
    from tests import factories

    for person in (world.lene, world.rita):
        person.set_password("pw-for-tests")
        person.save()
    activity, _created = activity_log(owner_id=world.rita.pk, type="call",
                                      account=factories.AccountFactory(organisation=world.org), summary="Called")
    problems: list[str] = []
    browser_login(page, "lene")
    for url in ["/organisation/roles/", "/organisation/roles/new/", f"/organisation/roles/{world.roles['sales_rep'].pk}/",
                "/organisation/pipeline/", "/organisation/pipeline/new/", f"/organisation/pipeline/{world.stages[0].pk}/",
                "/welcome/"]:
        page.goto(url)
        page.wait_for_load_state()
        problems += _violations(page)
    page.get_by_role("button", name="Log out").click()
    browser_login(page, "rita")
    for url in ["/welcome/", "/activities/mine/", f"/activities/{activity.pk}/correct/", "/pulse/check/"]:
        page.goto(url)
        page.wait_for_load_state()
        problems += _violations(page)
    assert not problems, "\n".join(problems)
