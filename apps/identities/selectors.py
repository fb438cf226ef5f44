"""Reading identities: which person an id in another system belongs to."""

from collections.abc import Iterable

from apps.identities.models import ExternalIdentity
from apps.identities.normalise import normalise_external_id


def people_for_identities(*, organisation_id: int, identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Return {(source, raw id): user id} for those of `identities` mapped in the organisation.

    One query whatever the number of ids; ids that cannot be normalised are left out.
    """
    canonical: dict[tuple[str, str], tuple[str, str]] = {}
    for source, raw in identities:
        try:
            canonical[(source, raw)] = (source, normalise_external_id(source, raw))
        except ValueError:
            continue
    if not canonical:
        return {}
    wanted_ids = {external_id for _, external_id in canonical.values()}
    found = {
        (source, external_id): user_id
        for source, external_id, user_id in ExternalIdentity.objects.filter(
            organisation_id=organisation_id, external_id__in=wanted_ids,
        ).values_list("source", "external_id", "user_id")
    }
    return {key: found[value] for key, value in canonical.items() if value in found}


def person_for_identity(*, organisation_id: int, source: str, external_id: str) -> int | None:
    """Return the id of the person with this id in `source`, or None when nobody is mapped to it."""
    return people_for_identities(organisation_id=organisation_id, identities=[(source, external_id)]).get(
        (source, external_id)
    )


def identities_of(*, user_id: int) -> list[ExternalIdentity]:
    """Return a person's identities in other systems, by system."""
    return list(ExternalIdentity.objects.filter(user_id=user_id).order_by("source", "external_id"))
