"""Contract classification on hand-built cases: pure functions, no database."""

import pytest

from apps.givegets.classification import classify, classify_counts, status_sentence
from apps.givegets.models import ContractStatusKind


@pytest.mark.parametrize(
    ("gave", "got", "expected"),
    [
        (True, True, ContractStatusKind.HONOURED),
        (True, False, ContractStatusKind.BROKEN),
        (False, False, ContractStatusKind.NOT_GIVING),
        # Got a get without giving: the promise was never due, so it is neither kept nor broken.
        (False, True, ContractStatusKind.NOT_GIVING),
    ],
)
def test_classify_covers_every_combination(gave: bool, got: bool, expected: str) -> None:
    assert classify(gave=gave, got=got) == expected


@pytest.mark.parametrize(
    ("gave_count", "consumed_count", "expected"),
    [
        (3, 1, ContractStatusKind.HONOURED),
        (1, 0, ContractStatusKind.BROKEN),
        (0, 2, ContractStatusKind.NOT_GIVING),
        (0, 0, ContractStatusKind.NOT_GIVING),
    ],
)
def test_classify_counts_treats_any_occurrence_as_given(gave_count: int, consumed_count: int, expected: str) -> None:
    assert classify_counts(gave_count=gave_count, consumed_count=consumed_count) == expected


def test_sentence_says_delivered_but_not_opened() -> None:
    text = status_sentence(give_label="Meeting logged", get_label="weekly digest", gave_count=3,
                           delivered_count=1, consumed_count=0)
    assert text == "You gave 3 × “Meeting logged” this week; your weekly digest was delivered but not opened."


def test_sentence_when_nothing_given_and_nothing_delivered() -> None:
    text = status_sentence(give_label="Call logged", get_label="next-action suggestion", gave_count=0,
                           delivered_count=0, consumed_count=0)
    assert text == ("You have not logged any “Call logged” this week; "
                    "your next-action suggestion has not been delivered yet.")


def test_sentence_counts_a_get_opened_this_week_as_used_even_if_delivered_earlier() -> None:
    text = status_sentence(give_label="Meeting logged", get_label="weekly digest", gave_count=1,
                           delivered_count=0, consumed_count=1)
    assert text.endswith("your weekly digest was delivered and used.")


def test_last_weeks_sentence_speaks_of_last_week() -> None:
    text = status_sentence(give_label="Meeting logged", get_label="weekly digest", gave_count=2,
                           delivered_count=1, consumed_count=1, last_week=True)
    assert text == "You gave 2 × “Meeting logged” last week; your weekly digest was delivered and used."
