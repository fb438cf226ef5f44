"""At phone width (390 px) the team page, the log form and the set-up pages do not scroll sideways."""

from typing import Any

import pytest

from tests.conftest import World, browser_login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE_WIDTH = 390


def _widest(page: Any) -> list[str]:
    """Elements sticking out to the right of the viewport (to say what overflows)."""
    return list(page.evaluate(
        """(w) => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5)
             .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
        PHONE_WIDTH,
    ))


@pytest.mark.parametrize(("who", "url"), [("mads", "/team/"), ("rita", "/activities/log/"),
                                          ("lene", "/organisation/people/"), ("lene", "/organisation/roles/"),
                                          ("lene", "/organisation/pipeline/"), ("rita", "/welcome/"),
                                          ("rita", "/activities/mine/")])
def test_no_sideways_scrolling_at_phone_width(world: World, page: Any, who: str, url: str) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    user = getattr(world, who)
    user.set_password("pw-for-tests")
    user.save()
    browser_login(page, who)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, _widest(page)
