"""Lead pages: integration keys (create, revoke) and unmapped identities (map, which replays)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.identities.sources import IdentitySource
from apps.integrations.connectors.generic_csv import DurationUnit
from apps.integrations.connectors.registry import CONNECTORS
from apps.integrations.models import KeyScope, UsageImport, UsageImportStatus
from apps.integrations.selectors import integration_keys_of, unmapped_identities, usage_imports_of
from apps.integrations.services import (
    identity_map,
    integration_key_create,
    integration_key_revoke,
    usage_import_create,
    usage_import_start,
)
from apps.roles.decorators import project_lead_required
from apps.roles.models import Membership
from apps.roles.policies import membership_of
from apps.usage.kinds import EventKind


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


def _type_map(text: str) -> dict[str, str]:
    """Read "CRM type = kind" lines; raise ApplicationError naming the first bad line."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, kind = line.partition("=")
        if not sep or kind.strip() not in EventKind.values:
            raise ApplicationError(_("Line %(line)d of the type mapping must read “CRM type = kind”, with a kind "
                                     "among: %(kinds)s.") % {"line": number, "kinds": ", ".join(EventKind.values)})
        mapping[value.strip()] = kind.strip()
    return mapping


@project_lead_required
def usage_imports(request: HttpRequest) -> HttpResponse:
    """Upload a CRM log file (any connector), see its preview, then import it in the background."""
    organisation_id = _organisation_id(request)
    if request.method == "POST":
        fmt = request.POST.get("format", "")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError(_("Choose a file to upload."))
            options: dict[str, object] = {}
            if fmt in CONNECTORS and CONNECTORS[fmt].needs_columns:
                options = {name: request.POST.get(name, "").strip()
                           for name in ("person_column", "time_column", "type_column", "id_column", "identity_source",
                                        "duration_column", "duration_unit")}
                options["type_map"] = _type_map(request.POST.get("type_map", ""))
                # Unless the lead asks for none, a time-spent column not named is guessed from the header.
                if request.POST.get("no_duration"):
                    options |= {"duration_column": "", "duration_guess": False}
            usage_import = usage_import_create(organisation_id=organisation_id, user_id=request.user.pk, fmt=fmt,
                                               upload=upload, options=options)
            return redirect("integrations:usage_import", pk=usage_import.pk)
        except ApplicationError as error:
            messages.error(request, error.message)
    return render(request, "integrations/usage_imports.html", {
        "connectors": CONNECTORS.values(), "imports": usage_imports_of(organisation_id=organisation_id),
        "identity_sources": IdentitySource.choices, "kinds": EventKind.values, "posted": request.POST,
        "duration_units": DurationUnit.choices,
    })


@project_lead_required
def usage_import(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload: its preview and the Import button, then progress, then the result."""
    item = get_object_or_404(UsageImport, pk=pk, organisation_id=_organisation_id(request))
    if request.method == "POST":
        usage_import_start(usage_import=item)
        messages.success(request, _("Importing in the background; this page shows the progress."))
        return redirect("integrations:usage_import", pk=item.pk)
    unit = item.preview.get("duration_unit")
    return render(request, "integrations/usage_import.html", {
        "item": item, "connector": CONNECTORS.get(item.format),
        "running": item.status in (UsageImportStatus.QUEUED, UsageImportStatus.RUNNING),
        "duration_unit": DurationUnit(unit).label if unit in DurationUnit.values else "",
    })
