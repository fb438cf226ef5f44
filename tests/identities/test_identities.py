"""External identities: canonical forms and the mapping service."""

from typing import Any

import pytest

from apps.core.errors import ApplicationError
from apps.identities.normalise import normalise_external_id, salesforce_id_18
from apps.identities.selectors import people_for_identities, person_for_identity
from apps.identities.services import external_identity_add
from apps.identities.sources import IdentitySource


def test_salesforce_15_character_id_gets_its_published_18_character_form() -> None:
    # Salesforce's own example pair (the suffix encodes which of the first 15 characters are upper case).
    assert salesforce_id_18("005D0000001az2D") == "005D0000001az2DIAQ"
    assert salesforce_id_18("001000000000000") == "001000000000000AAA"


def test_salesforce_18_character_id_in_any_suffix_case_is_one_identity() -> None:
    assert normalise_external_id(IdentitySource.SALESFORCE, "005D0000001az2Diaq") == "005D0000001az2DIAQ"
    assert normalise_external_id(IdentitySource.SALESFORCE, " 005D0000001az2D ") == "005D0000001az2DIAQ"


def test_user_names_and_emails_compare_without_case() -> None:
    assert normalise_external_id(IdentitySource.SALESFORCE, "Rita@Example.COM") == "rita@example.com"
    assert normalise_external_id(IdentitySource.HUBSPOT, "Rita@Example.com") == "rita@example.com"


def test_dynamics_guid_loses_braces_and_case() -> None:
    guid = "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"
    assert normalise_external_id(IdentitySource.DYNAMICS, guid) == "6f9619ff-8b86-d011-b42d-00c04fc964ff"


def test_empty_id_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        normalise_external_id(IdentitySource.CSV, "  ")


def test_mapping_finds_the_person_by_either_salesforce_form(world: Any) -> None:
    external_identity_add(
        organisation_id=world.org.pk, user_id=world.rita.pk, source=IdentitySource.SALESFORCE,
        external_id="005D0000001az2D",
    )
    for spelling in ("005D0000001az2D", "005D0000001az2DIAQ", "005D0000001az2Diaq"):
        assert person_for_identity(
            organisation_id=world.org.pk, source=IdentitySource.SALESFORCE, external_id=spelling,
        ) == world.rita.pk


def test_adding_the_same_mapping_twice_is_one_row(world: Any) -> None:
    first = external_identity_add(
        organisation_id=world.org.pk, user_id=world.rita.pk, source=IdentitySource.HUBSPOT,
        external_id="rita@example.com",
    )
    second = external_identity_add(
        organisation_id=world.org.pk, user_id=world.rita.pk, source=IdentitySource.HUBSPOT,
        external_id="RITA@example.com",
    )
    assert first.pk == second.pk


def test_an_id_of_someone_else_is_refused_with_a_reason(world: Any) -> None:
    external_identity_add(
        organisation_id=world.org.pk, user_id=world.rita.pk, source=IdentitySource.CSV, external_id="rk",
    )
    with pytest.raises(ApplicationError, match="already belongs to someone else"):
        external_identity_add(
            organisation_id=world.org.pk, user_id=world.ronja.pk, source=IdentitySource.CSV, external_id="RK",
        )


def test_identities_do_not_cross_organisations(world: Any) -> None:
    from tests import factories

    other = factories.OrganisationFactory(name="Other")
    external_identity_add(
        organisation_id=world.org.pk, user_id=world.rita.pk, source=IdentitySource.CSV, external_id="rk",
    )
    assert people_for_identities(organisation_id=other.pk, identities=[(IdentitySource.CSV, "rk")]) == {}
