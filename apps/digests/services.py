"""Building, sending and opening weekly digests."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.digests import selectors
from apps.digests.models import Digest
from apps.digests.presentation import digest_display
from apps.givegets.models import DeliveryKind
from apps.givegets.services import delivery_consume, delivery_record
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record

User = get_user_model()
# Links in e-mails must be absolute; SITE_URL names where the app is served.
DEFAULT_SITE_URL = "http://localhost:8000"


def _delivery_key(user_id: int, week_start: dt.date) -> str:
    return f"digest:{user_id}:{week_start.isoformat()}"


def digest_build_and_send(
    *,
    user_id: int,
    week_start: dt.date,
    now: dt.datetime | None = None,
    send_email: bool = True,
    language: str | None = None,
) -> Digest:
    """Build the person's digest of the week starting `week_start`, record it as a get and e-mail it.

    At most once per person and week: a digest already sent is returned untouched and nothing
    is e-mailed. The digest is committed before the e-mail goes out; if sending fails the
    digest is marked unsent again so a retry sends it.
    """
    if week_start.weekday() != 0:
        raise ApplicationError(_("A digest week starts on a Monday."))
    moment = now or timezone.now()
    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        digest = Digest.objects.select_for_update().filter(user_id=user_id, week_start=week_start).first()
        if digest is not None and digest.sent_at is not None:
            return digest
        content = selectors.digest_content(user_id=user_id, week_start=week_start, as_of=moment)
        if digest is None:
            digest = Digest(user_id=user_id, week_start=week_start, content=content, built_at=moment)
            try:
                with transaction.atomic():
                    digest.save()
            except IntegrityError:
                # A concurrent run stored this week's digest first; it sends it, not us.
                return Digest.objects.get(user_id=user_id, week_start=week_start)
        else:
            digest.content, digest.built_at = content, moment
        delivery, _created = delivery_record(
            user_id=user_id, kind=DeliveryKind.WEEKLY_DIGEST, idempotency_key=_delivery_key(user_id, week_start),
            delivered_at=moment, metadata={"digest_id": digest.pk, "week_start": week_start.isoformat()},
        )
        digest.delivery = delivery
        digest.sent_at = moment
        digest.emailed_to = user.email if send_email else ""
        digest.save(update_fields=["content", "built_at", "delivery", "sent_at", "emailed_to"])
    if digest.emailed_to:
        try:
            _email(digest=digest, language=language or settings.LANGUAGE_CODE)
        except Exception:
            Digest.objects.filter(pk=digest.pk).update(sent_at=None, emailed_to="")
            raise
    return digest


def _email(*, digest: Digest, language: str) -> None:
    """Send the digest as text with an HTML alternative, in `language`, linking to the app."""
    site = getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")
    with translation.override(language):
        context = digest_display(digest)
        context["link"] = site + reverse("digests:detail", args=[digest.pk])
        context["name"] = digest.user.first_name or digest.user.get_username()
        subject = _("Your week in the CRM: %(start)s – %(end)s") % {
            "start": context["week_start"].strftime("%d/%m"), "end": context["week_end"].strftime("%d/%m/%Y"),
        }
        text = render_to_string("digests/email.txt", context)
        html = render_to_string("digests/email.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.emailed_to])
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def digest_open(*, digest: Digest, at: dt.datetime | None = None) -> Digest:
    """Record that the person opened their digest: the get is consumed (once, the first time)."""
    # Lock the digest row only: FOR UPDATE cannot cover the nullable side of the delivery join.
    locked = Digest.objects.select_for_update(of=("self",)).select_related("delivery").get(pk=digest.pk)
    moment = at or timezone.now()
    if locked.opened_at is None:
        locked.opened_at = moment
        locked.save(update_fields=["opened_at"])
        usage_event_record(
            user_id=locked.user_id, kind=EventKind.DIGEST_OPENED, occurred_at=moment, source=EventSource.APP,
            idempotency_key=f"digest-opened:{locked.pk}", metadata={"week_start": locked.week_start.isoformat()},
        )
    if locked.delivery is not None:
        delivery_consume(delivery=locked.delivery, at=moment)
    return locked
