"""The project lead's people pages: list, add, edit role and teams, invite, deactivate."""

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.activities.models import Stage
from apps.core.types import AuthenticatedHttpRequest
from apps.imports.parsing import FileFormatError
from apps.people import selectors, services
from apps.people.forms import PeopleUploadForm, PersonAddForm, RoleSetForm, StageForm, TeamSetForm
from apps.people.importing import FIELD_LABELS, FIELDS, people_file_open
from apps.people.onboarding import onboarding_for
from apps.people.services import people_import
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.history import history_of
from apps.roles.models import Membership, Team
from apps.roles.policies import member_membership, member_organisation_id


def _person_or_404(organisation_id: int, user_id: int) -> User:
    person = User.objects.filter(pk=user_id, memberships__organisation_id=organisation_id).first()
    if person is None:
        raise Http404
    return person


def _base_url(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri("/")


@project_lead_required
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    form = PersonAddForm(request.POST or None, organisation_id=organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                team = data["team"]
                if team is None and data["new_team"].strip():
                    team = services.team_get_or_create(organisation_id=organisation_id, name=data["new_team"])
                person = services.person_add(
                    organisation_id=organisation_id, email=data["email"], full_name=data["full_name"],
                    role_id=data["role"].pk, team_id=team.pk if team else None, is_manager=data["is_manager"],
                    by_user_id=request.user.pk,
                )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            services.invitation_send(user=person, base_url=_base_url(request))
            messages.success(request, _("%(name)s was added and invited by e-mail.") % {"name": person.email})
            return redirect("people:list")
    context = {
        "people": selectors.people_of_organisation(organisation_id=organisation_id),
        "form": form,
        "seats": services.seats_count(organisation_id=organisation_id),
    }
    return render(request, "people/list.html", context)


@project_lead_required
def person_edit(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    person = _person_or_404(organisation_id, user_id)
    membership = Membership.objects.select_related("role").get(user=person, organisation_id=organisation_id)
    role_form = RoleSetForm(initial={"role": membership.role_id}, organisation_id=organisation_id)
    team_form = TeamSetForm(organisation_id=organisation_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "role":
            role_form = RoleSetForm(request.POST, organisation_id=organisation_id)
            if role_form.is_valid():
                services.person_role_set(
                    organisation_id=organisation_id, user_id=person.pk, role_id=role_form.cleaned_data["role"].pk,
                    by_user_id=request.user.pk,
                )
                messages.success(request, _("Role saved."))
                return redirect("people:edit", user_id=person.pk)
        elif action == "team":
            team_form = TeamSetForm(request.POST, organisation_id=organisation_id)
            if team_form.is_valid():
                data = team_form.cleaned_data
                with transaction.atomic():
                    team = data["team"] or services.team_get_or_create(
                        organisation_id=organisation_id, name=data["new_team"]
                    )
                    services.team_membership_set(
                        user_id=person.pk, team_id=team.pk, is_manager=data["is_manager"], by_user_id=request.user.pk
                    )
                messages.success(request, _("Team saved."))
                return redirect("people:edit", user_id=person.pk)
        elif action == "leave_team":
            team_id = int(request.POST.get("team_id") or 0)
            if Team.objects.filter(pk=team_id, organisation_id=organisation_id).exists():
                services.team_membership_remove(user_id=person.pk, team_id=team_id, by_user_id=request.user.pk)
                messages.success(request, _("Removed from the team."))
            return redirect("people:edit", user_id=person.pk)
        else:
            raise Http404
    context = {
        "person": person,
        "membership": membership,
        "team_memberships": person.team_memberships.select_related("team").order_by("team__name"),
        "role_form": role_form,
        "team_form": team_form,
        "history": history_of(organisation_id=organisation_id, person_id=person.pk),
    }
    return render(request, "people/edit.html", context)


@require_POST
@project_lead_required
def person_invite(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = _person_or_404(member_organisation_id(request.user), user_id)
    services.invitation_send(user=person, base_url=_base_url(request))
    messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": person.email})
    return redirect("people:edit", user_id=person.pk)


@require_POST
@project_lead_required
def person_active(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    person = _person_or_404(organisation_id, user_id)
    active = request.POST.get("active") == "1"
    try:
        services.person_active_set(
            organisation_id=organisation_id, user_id=person.pk, active=active, by_user_id=request.user.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Reactivated.") if active else _("Deactivated: can no longer log in."))
    return redirect("people:edit", user_id=person.pk)


# Files up to this many rows are imported while the lead waits (about 20 s measured); larger
# ones go through `manage.py people_import`.
WEB_IMPORT_MAX_ROWS = 2000
UPLOAD_DIR = Path(tempfile.gettempdir()) / "crm_people_imports"


def _upload_path(request: AuthenticatedHttpRequest, token: str) -> tuple[Path, str]:
    uploads: dict[str, list[str]] = request.session.get("people_uploads", {})
    if token not in uploads:
        raise Http404
    path, extension = uploads[token]
    if not Path(path).exists():
        raise Http404
    return Path(path), extension


@project_lead_required
def people_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PeopleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        extension = Path(upload.name).suffix.lstrip(".").lower()
        token = uuid.uuid4().hex
        UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
        path = UPLOAD_DIR / f"{token}.{extension}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            people_file_open(path, extension)
        except FileFormatError as error:
            path.unlink()
            form.add_error("file", str(error))
        else:
            uploads = request.session.get("people_uploads", {})
            uploads[token] = [str(path), extension]
            request.session["people_uploads"] = uploads
            return redirect("people:import_preview", token=token)
    return render(request, "people/upload.html", {"form": form})


@project_lead_required
def people_import_preview(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    path, extension = _upload_path(request, token)
    people_file = people_file_open(path, extension)
    mapping = dict(people_file.mapping)
    if request.method == "POST":
        mapping = {}
        for name in FIELDS:
            value = request.POST.get(f"map_{name}", "")
            if value.isdigit() and int(value) < len(people_file.columns):
                mapping[name] = int(value)
    missing = [name for name in ("email", "role") if name not in mapping]
    rows = list(people_file.rows(mapping)) if not missing else []
    too_many = len(rows) > WEB_IMPORT_MAX_ROWS
    result = None
    if request.method == "POST" and request.POST.get("action") == "import" and not missing and not too_many:
        result = people_import(organisation_id=organisation_id, rows=rows, by_user_id=request.user.pk)
        services.invitations_send(user_ids=result.new_user_ids, base_url=_base_url(request))
        path.unlink()
        uploads = request.session.get("people_uploads", {})
        uploads.pop(token, None)
        request.session["people_uploads"] = uploads
        return render(request, "people/import_result.html", {"result": result})
    preview = None
    if not missing and not too_many:
        preview = people_import(organisation_id=organisation_id, rows=rows, dry_run=True)
    context = {
        "token": token,
        "columns": list(enumerate(people_file.columns)),
        "fields": [(name, FIELD_LABELS[name], mapping.get(name)) for name in FIELDS],
        "missing": [FIELD_LABELS[name] for name in missing],
        "too_many": too_many,
        "limit": WEB_IMPORT_MAX_ROWS,
        "preview": preview,
    }
    return render(request, "people/import_preview.html", context)


# --- Pipeline stages ---------------------------------------------------------------------------


def _stage_or_404(organisation_id: int, stage_id: int) -> Stage:
    stage = Stage.objects.filter(pk=stage_id, organisation_id=organisation_id).first()
    if stage is None:
        raise Http404
    return stage


def _errors_onto(form: StageForm, error: ValidationError) -> None:
    for field_name, field_messages in error.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, ValidationError(field_messages))


@project_lead_required
def stage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    context = {
        "stages": selectors.stages_of_organisation(organisation_id=organisation_id),
        "history": history_of(organisation_id=organisation_id, model=Stage, limit=20),
    }
    return render(request, "people/stages.html", context)


@project_lead_required
def stage_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    form = StageForm(request.POST or None, initial={
        "order": selectors.next_open_stage_order(organisation_id=organisation_id), "outcome": "open",
    })
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.stage_create(organisation_id=organisation_id, actor_id=request.user.pk,
                                          **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.name})
            return redirect("pipeline:stages")
    return render(request, "people/stage_form.html", {"form": form, "stage": None})


@project_lead_required
def stage_edit(request: AuthenticatedHttpRequest, stage_id: int) -> HttpResponse:
    organisation_id = member_organisation_id(request.user)
    stage = _stage_or_404(organisation_id, stage_id)
    form = StageForm(request.POST or None, initial={
        "name": _(stage.name), "order": stage.order, "outcome": services.stage_outcome(stage),
        "next_step": _(stage.next_step) if stage.next_step else "", "idle_days": stage.idle_days,
    })
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        # A shipped name is stored in English and shown translated: untouched, it is not a rename.
        if values["name"] == _(stage.name):
            values["name"] = stage.name
        if stage.next_step and values["next_step"] == _(stage.next_step):
            values["next_step"] = stage.next_step
        try:
            services.stage_update(stage=stage, actor_id=request.user.pk, **values)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Stage saved."))
            return redirect("pipeline:stages")
    context = {
        "form": form,
        "stage": stage,
        "deals": stage.deals.count(),
        "history": history_of(organisation_id=organisation_id, model=Stage, object_id=stage.pk),
    }
    return render(request, "people/stage_form.html", context)


@require_POST
@project_lead_required
def stage_move(request: AuthenticatedHttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage_or_404(member_organisation_id(request.user), stage_id)
    services.stage_move(stage=stage, actor_id=request.user.pk, direction=-1 if request.POST.get("to") == "up" else 1)
    return redirect("pipeline:stages")


@require_POST
@project_lead_required
def stage_delete(request: AuthenticatedHttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage_or_404(member_organisation_id(request.user), stage_id)
    try:
        services.stage_delete(stage=stage, actor_id=request.user.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Stage deleted."))
    return redirect("pipeline:stages")


# --- A person's first page ---------------------------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from the invitation link, then land signed in on the first page."""

    template_name = "people/set_password.html"
    post_reset_login = True
    # Several backends are configured (the lockout one first); the session belongs to the model backend.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("welcome:start")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Password saved. Welcome!"))
        return response


@member_required
def welcome(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the CRM gives this person, their week-one quick win and one next step."""
    membership = member_membership(request.user)
    context = {"onboarding": onboarding_for(user=request.user, membership=membership, today=timezone.localdate())}
    return render(request, "people/welcome.html", context)
