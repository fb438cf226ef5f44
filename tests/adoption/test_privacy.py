"""Privacy that survives subtraction, as the adoption pages use it (apps.core.privacy decides)."""

import pytest

from apps.core.privacy import Disclosure, breakdown_disclosure


def test_a_hidden_group_derivable_as_the_total_minus_the_rest_hides_the_breakdown() -> None:
    # 250 people, 100 shown: the withheld 150 are 250 − 100 away, so nothing is shown.
    assert breakdown_disclosure(total=250, group_sizes={"shown": 100, "withheld": 150}, hidden={"withheld"}) == (
        Disclosure(False, "derivable")
    )


def test_without_the_withheld_group_the_same_breakdown_is_shown() -> None:
    assert breakdown_disclosure(total=250, group_sizes={"shown": 100, "withheld": 150}) == Disclosure(True, "")


def test_one_small_group_hidden_and_all_others_shown_is_not_enough() -> None:
    # Hiding the 4 alone would leave 250 − 100 − 146 = 4 on the page.
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 146, "c": 4}, hidden={"c"}) == (
        Disclosure(False, "derivable")
    )
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 146, "c": 4}) == Disclosure(False, "derivable")


def test_two_large_withheld_groups_reveal_only_their_sum() -> None:
    sizes = {"a": 100, "b": 80, "c": 70}
    assert breakdown_disclosure(total=250, group_sizes=sizes, hidden={"b", "c"}) == Disclosure(True, "")
    # an empty withheld group does not protect the other one
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 150, "c": 0}, hidden={"b", "c"}) == (
        Disclosure(False, "derivable")
    )


def test_unknown_hidden_groups_are_refused() -> None:
    with pytest.raises(ValueError, match="Hidden"):
        breakdown_disclosure(total=10, group_sizes={"a": 5}, hidden={"b"})
