"""Writing identities. The one way in: `external_identity_add`."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.identities.models import ExternalIdentity
from apps.identities.normalise import normalise_external_id
from apps.identities.sources import IdentitySource


def external_identity_add(*, organisation_id: int, user_id: int, source: str, external_id: str) -> ExternalIdentity:
    """Map an id in another system to a person; adding the same mapping twice is a no-op.

    Raises ApplicationError when the id is empty, the system unknown, or the id already
    belongs to somebody else in the organisation.
    """
    if source not in IdentitySource.values:
        raise ApplicationError(_("Unknown system “%(source)s”.") % {"source": source})
    try:
        canonical = normalise_external_id(source, external_id)
    except ValueError as error:
        raise ApplicationError(_("An external id cannot be empty.")) from error
    if len(canonical) > ExternalIdentity._meta.get_field("external_id").max_length:  # type: ignore[operator]
        raise ApplicationError(_("An external id has at most 255 characters."))
    existing = ExternalIdentity.objects.filter(
        organisation_id=organisation_id, source=source, external_id=canonical,
    ).first()
    if existing is not None:
        if existing.user_id != user_id:
            raise ApplicationError(
                _("%(system)s id “%(id)s” already belongs to someone else.")
                % {"system": existing.get_source_display(), "id": external_id},
            )
        return existing
    try:
        with transaction.atomic():
            return ExternalIdentity.objects.create(
                organisation_id=organisation_id, user_id=user_id, source=source, external_id=canonical,
            )
    except IntegrityError:
        # A concurrent request added it first; that request's answer is ours too.
        return external_identity_add(
            organisation_id=organisation_id, user_id=user_id, source=source, external_id=external_id,
        )


def external_identity_remove(*, identity_id: int, organisation_id: int) -> None:
    """Remove one mapping of the organisation (events already attributed stay attributed)."""
    ExternalIdentity.objects.filter(pk=identity_id, organisation_id=organisation_id).delete()
