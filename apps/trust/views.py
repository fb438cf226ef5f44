"""Trust pages: the data-use charter, who looked at my data, and downloading all of it."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.roles.decorators import member_required, project_lead_required
from apps.roles.policies import is_project_lead, member_organisation_id
from apps.trust import selectors
from apps.trust.export import to_csv_zip, to_json
from apps.trust.forms import BaseCharterFormSet, CharterFormSet, ErasureForm
from apps.trust.protection import person_erase
from apps.trust.services import data_use_charter_update
from apps.usage.partitions import MIN_RETENTION_DAYS, retention_days

LOOKS_SHOWN = 200


def _user_id(request: HttpRequest) -> int:
    assert request.user.pk is not None  # the decorators let in signed-in people only
    return int(request.user.pk)


@member_required
def charter(request: HttpRequest) -> HttpResponse:
    """Show the organisation's data-use charter: what each data category is used for, and never for."""
    statements = selectors.charter(organisation_id=member_organisation_id(request.user))
    return render(request, "trust/charter.html", {
        "statements": statements, "can_edit": is_project_lead(request.user),
        "retention_days": retention_days(), "min_retention_days": MIN_RETENTION_DAYS,
    })


@project_lead_required
def charter_edit(request: HttpRequest) -> HttpResponse:
    """Let the project lead edit, add and remove charter lines; saved all at once or not at all."""
    organisation_id = member_organisation_id(request.user)
    queryset = selectors.charter(organisation_id=organisation_id)
    if request.method != "POST":
        formset = CharterFormSet(queryset=queryset)
        return render(request, "trust/charter_edit.html", {"formset": formset, "show_errors": False})
    if "add_row" in request.POST:
        # One more empty line, keeping everything typed so far; nothing is validated or saved yet.
        data = request.POST.copy()
        total = data.get("form-TOTAL_FORMS", "")
        data["form-TOTAL_FORMS"] = str(int(total) + 1) if total.isdigit() else total
        formset = CharterFormSet(data, queryset=queryset)
        return render(request, "trust/charter_edit.html", {"formset": formset, "show_errors": False})
    formset = cast(BaseCharterFormSet, CharterFormSet(request.POST, queryset=queryset))
    save_errors: list[str] = []
    if formset.is_valid():
        try:
            data_use_charter_update(organisation_id=organisation_id, rows=formset.charter_rows())
        except ValidationError as error:
            save_errors = error.messages
        else:
            messages.success(request, _("The data-use charter is saved. Everyone in the organisation can read it."))
            return redirect("trust:charter")
    return render(
        request, "trust/charter_edit.html", {"formset": formset, "show_errors": True, "save_errors": save_errors},
        status=400,
    )


@member_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Show who looked at my personal data, and offer all of my data for download."""
    looks = selectors.who_looked_at(subject_id=_user_id(request), limit=LOOKS_SHOWN)
    return render(request, "trust/my_data.html", {"looks": looks, "looks_shown": LOOKS_SHOWN})


def _download(request: HttpRequest, content: bytes, content_type: str, extension: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=content_type)
    filename = f"my-data-{request.user.get_username()}-{stamp}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@member_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    """Download all of my own data as one JSON document."""
    tables = selectors.personal_data(user_id=_user_id(request))
    return _download(request, to_json(tables, exported_at=timezone.now()), "application/json; charset=utf-8", "json")


@member_required
def my_data_csv(request: HttpRequest) -> HttpResponse:
    """Download all of my own data as a zip with one CSV file per table."""
    tables = selectors.personal_data(user_id=_user_id(request))
    return _download(request, to_csv_zip(tables), "application/zip", "zip")


HISTORY_SHOWN = 300


@project_lead_required
def history(request: HttpRequest) -> HttpResponse:
    """Show the lead who changed which configuration or membership, when, with old and new values."""
    rows = selectors.audit_rows(organisation_id=member_organisation_id(request.user), limit=HISTORY_SHOWN)
    return render(request, "trust/history.html", {"rows": rows, "shown": HISTORY_SHOWN})


def _history_download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="change-history-{timezone.localdate()}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@project_lead_required
def history_json(request: HttpRequest) -> HttpResponse:
    """Download the organisation's whole change history as JSON."""
    tables = selectors.audit_export(organisation_id=member_organisation_id(request.user))
    return _history_download(to_json(tables, exported_at=timezone.now()), "application/json; charset=utf-8", "json")


@project_lead_required
def history_csv(request: HttpRequest) -> HttpResponse:
    """Download the organisation's whole change history as a zip with one CSV file."""
    tables = selectors.audit_export(organisation_id=member_organisation_id(request.user))
    return _history_download(to_csv_zip(tables), "application/zip", "zip")


@project_lead_required
def erase(request: HttpRequest) -> HttpResponse:
    """Let the lead erase (anonymise) a leaver or someone who asked; every figure is kept."""
    organisation_id = member_organisation_id(request.user)
    form = ErasureForm(request.POST or None, organisation_id=organisation_id, lead_id=_user_id(request))
    if request.method == "POST" and form.is_valid():
        try:
            result = person_erase(user_id=form.cleaned_data["user"].pk, organisation_id=organisation_id)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The person is erased. Their contribution stays in the figures, without a name "
                                        "(%(events)d usage events' details and %(ids)d external ids removed).")
                             % {"events": result.events_scrubbed, "ids": result.identities_removed})
            return redirect("trust:erase")
    status = 400 if request.method == "POST" else 200
    return render(request, "trust/erase.html", {"form": form}, status=status)
