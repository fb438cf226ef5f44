"""Privacy that survives subtraction: hand-made breakdowns."""

import pytest

from apps.core.privacy import Disclosure, breakdown_disclosure, may_show_aggregate


def test_aggregates_of_fewer_than_five_people_are_not_shown() -> None:
    assert may_show_aggregate(4) is False
    assert may_show_aggregate(5) is True


def test_a_breakdown_with_every_group_large_enough_is_shown() -> None:
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 150}) == Disclosure(True, "")


def test_a_total_below_five_hides_everything() -> None:
    assert breakdown_disclosure(total=4, group_sizes={"a": 4}) == Disclosure(False, "too_few")


def test_one_small_group_hides_the_whole_breakdown_because_it_could_be_derived() -> None:
    # 250 people: 100 + 146 shown would give away the 4 by subtraction.
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 146, "c": 4}) == Disclosure(False, "derivable")


def test_an_unlisted_small_remainder_is_derivable_too() -> None:
    # Only 100 and 148 listed out of 250: the 2 left over are one subtraction away.
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 148}) == Disclosure(False, "derivable")


def test_an_unlisted_large_remainder_and_empty_groups_are_fine() -> None:
    assert breakdown_disclosure(total=250, group_sizes={"a": 100, "b": 0}) == Disclosure(True, "")


def test_impossible_group_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="add up"):
        breakdown_disclosure(total=10, group_sizes={"a": 8, "b": 8})
