"""Every page of every role passes axe-core's WCAG 2 A/AA checks with no serious or critical
violations, on the demo organisation (real data, real layouts), in the machine's Chromium."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}


def _nav_urls(page: Any) -> list[str]:
    return page.eval_on_selector_all("header nav a, nav.subnav a", "links => links.map(a => a.getAttribute('href'))")


def _violations(page: Any) -> list[str]:
    result = Axe().run(page, options=WCAG)
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("username", ["rasmus", "mads", "lene", "lars", "nanna"])
def test_every_page_in_the_navigation_is_accessible(page: Any, username: str) -> None:
    call_command("seed_demo")
    browser_login(page, username, password="demo1234")
    problems = _violations(page)
    for url in _nav_urls(page):
        page.goto(url)
        page.wait_for_load_state()
        problems += _violations(page)
    assert not problems, "\n".join(problems)
