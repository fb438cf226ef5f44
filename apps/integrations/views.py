"""Lead pages: integration keys (create, revoke) and unmapped identities (map, which replays)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.integrations.models import KeyScope
from apps.integrations.selectors import integration_keys_of, unmapped_identities
from apps.integrations.services import identity_map, integration_key_create, integration_key_revoke
from apps.roles.decorators import project_lead_required
from apps.roles.models import Membership
from apps.roles.policies import membership_of


def _organisation_id(request: HttpRequest) -> int:
    membership = membership_of(request.user)
    assert membership is not None  # project_lead_required let the request in
    return membership.organisation_id


@project_lead_required
def keys(request: HttpRequest) -> HttpResponse:
    organisation_id = _organisation_id(request)
    new_secret = None
    if request.method == "POST":
        try:
            _key, new_secret = integration_key_create(
                organisation_id=organisation_id, name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
    return render(request, "integrations/keys.html", {
        "keys": integration_keys_of(organisation_id=organisation_id), "scopes": KeyScope.choices,
        "new_secret": new_secret,
    })


@require_POST
@project_lead_required
def key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    integration_key_revoke(prefix=prefix, organisation_id=_organisation_id(request))
    messages.success(request, _("The key is revoked; requests with it are refused."))
    return redirect("integrations:keys")


@project_lead_required
def identities(request: HttpRequest) -> HttpResponse:
    organisation_id = _organisation_id(request)
    if request.method == "POST":
        try:
            replayed = identity_map(
                organisation_id=organisation_id, user_id=int(request.POST.get("user_id") or 0),
                source=request.POST.get("source", ""), external_id=request.POST.get("external_id", ""),
            )
            messages.success(request, _("Mapped; %(count)d held events added to the log.") % {"count": replayed})
            return redirect("integrations:identities")
        except (ApplicationError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("Choose a person.")))
    people = Membership.objects.filter(organisation_id=organisation_id).select_related("user").order_by(
        "user__first_name", "user__last_name",
    )
    return render(request, "integrations/identities.html", {
        "rows": unmapped_identities(organisation_id=organisation_id), "people": people,
    })
