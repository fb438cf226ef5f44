"""The permission-matrix runner (tests/permissions.py) fails on a wrong answer and tells login apart."""

import pytest
from django.http import HttpResponse, HttpResponseRedirect

from tests.permissions import LOGIN, OK, assert_outcomes, outcome


def test_a_redirect_to_the_login_page_is_login_and_any_other_redirect_is_302() -> None:
    assert outcome(HttpResponseRedirect("/accounts/login/?next=/me/")) == LOGIN
    assert outcome(HttpResponseRedirect("/me/")) == 302
    assert outcome(HttpResponse(status=403)) == 403


def test_answers_meeting_their_expectations_pass() -> None:
    assert_outcomes({"rita": 200, "mads": 302, "anonymous": LOGIN}, {"rita": OK, "mads": OK, "anonymous": LOGIN})


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ({"rita": 200}, {"rita": 403}),
        ({"rita": LOGIN}, {"rita": OK}),  # a redirect to the login page is not "the page answered"
        ({"rita": 200}, {"rita": 200, "mads": 403}),  # a person left out of the run
    ],
)
def test_a_wrong_or_missing_answer_fails(actual: dict, expected: dict) -> None:
    with pytest.raises(AssertionError):
        assert_outcomes(actual, expected)
