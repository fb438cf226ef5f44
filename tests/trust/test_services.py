"""Writing the data-use charter: all or nothing, unique categories, and recorded looks."""

import pytest
from django.core.exceptions import ValidationError

from apps.trust.models import AccessRecord, DataUseStatement
from apps.trust.services import CharterRow, access_record, data_use_charter_update
from tests import factories


def rows(*categories):
    return [CharterRow(category=c, used_for=f"{c} used", never_used_for=f"{c} never", order=i)
            for i, c in enumerate(categories)]


def charter_of(org):
    return list(DataUseStatement.objects.filter(organisation=org).order_by("order").values_list("category", flat=True))


def test_charter_update_creates_updates_and_removes(world):
    data_use_charter_update(organisation_id=world.org.pk, rows=rows("Activities", "Pulse", "Deals"))
    pulse = DataUseStatement.objects.get(category="Pulse")
    data_use_charter_update(organisation_id=world.org.pk, rows=[
        CharterRow(category="Pulse answers", used_for="Averages of 5 or more", never_used_for="Single answers",
                   order=0, statement_id=pulse.pk),
        CharterRow(category="Entry time", used_for="Speed-ups", never_used_for="Judging effort", order=1),
    ])
    assert charter_of(world.org) == ["Pulse answers", "Entry time"]
    assert DataUseStatement.objects.get(pk=pulse.pk).used_for == "Averages of 5 or more"


def test_swapping_two_category_names_works(world):
    first, second = data_use_charter_update(organisation_id=world.org.pk, rows=rows("A", "B"))
    data_use_charter_update(organisation_id=world.org.pk, rows=[
        CharterRow(category="B", used_for="x", never_used_for="y", order=0, statement_id=first.pk),
        CharterRow(category="A", used_for="x", never_used_for="y", order=1, statement_id=second.pk),
    ])
    assert charter_of(world.org) == ["B", "A"]


@pytest.mark.parametrize(
    "bad_rows",
    [
        rows("Activities", "activities "),  # the same category, differently spelled
        [CharterRow(category="Deals", used_for="", never_used_for="never", order=0)],  # a required text missing
    ],
)
def test_invalid_charter_changes_nothing(world, bad_rows):
    data_use_charter_update(organisation_id=world.org.pk, rows=rows("Original"))
    with pytest.raises(ValidationError):
        data_use_charter_update(organisation_id=world.org.pk, rows=[*bad_rows])
    assert charter_of(world.org) == ["Original"]


def test_lines_of_another_organisation_cannot_be_edited(world):
    other = factories.OrganisationFactory()
    foreign = DataUseStatement.objects.create(organisation=other, category="Theirs", used_for="u", never_used_for="n")
    with pytest.raises(ValidationError):
        data_use_charter_update(organisation_id=world.org.pk, rows=[
            CharterRow(category="Mine", used_for="u", never_used_for="n", statement_id=foreign.pk)])
    assert DataUseStatement.objects.get(pk=foreign.pk).category == "Theirs"


def test_access_record_ignores_yourself_and_reloads(world):
    assert access_record(viewer_id=world.rita.pk, subject_id=world.rita.pk, what="coaching page") is None
    first = access_record(viewer_id=world.mads.pk, subject_id=world.rita.pk, what="coaching page")
    again = access_record(viewer_id=world.mads.pk, subject_id=world.rita.pk, what="coaching page")
    assert first == again
    assert AccessRecord.objects.count() == 1
