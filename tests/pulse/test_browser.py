"""Rita answers the pulse check with the keyboard alone and sees it in her score's explanation."""

from typing import Any

import pytest

from apps.pulse.models import PulseResponse
from tests.conftest import browser_login


@pytest.mark.browser
def test_rita_answers_the_pulse_check_with_the_keyboard_only(page: Any, world: Any) -> None:
    browser_login(page, "rita")
    page.goto("/pulse/check/?next=/me/")
    # The first scale point has focus on arrival; Space picks it, arrows move along the scale,
    # Tab goes to the next statement.
    assert page.evaluate("document.activeElement.id") == "id_pu1_0"
    for presses in (5, 4, 3, 2):  # 6, 5, 4, 3
        page.keyboard.press("Space")
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pulse-submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")
    explanation = page.get_by_test_id("explanation").inner_text()
    assert "Your pulse answers (usefulness 5.50, ease of use 3.50 on 1–7)" in explanation
    stored = PulseResponse.objects.get(user=world.rita)
    assert stored.answers == {"pu1": 6, "pu2": 5, "peou1": 4, "peou2": 3}
