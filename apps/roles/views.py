"""The project lead's role pages: list, create, edit (scoring values, kind, WIIFM text)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.types import AuthenticatedHttpRequest
from apps.roles import selectors, services
from apps.roles.decorators import project_lead_required
from apps.roles.forms import RoleForm
from apps.roles.history import history_of
from apps.roles.models import Role
from apps.roles.policies import member_membership


def _errors_onto(form: RoleForm, error: ValidationError) -> None:
    for field_name, messages_ in error.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, ValidationError(messages_))


@project_lead_required
def role_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_id = member_membership(request.user).organisation_id
    context = {
        "rows": selectors.roles_of_organisation(organisation_id=organisation_id),
        "history": history_of(organisation_id=organisation_id, model=Role, limit=20),
    }
    return render(request, "roles/list.html", context)


@project_lead_required
def role_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_id = member_membership(request.user).organisation_id
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(organisation_id=organisation_id, actor_id=request.user.pk, **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Role “%(name)s” created.") % {"name": role.name})
            return redirect("roles:list")
    return render(request, "roles/form.html", {"form": form, "role": None})


@project_lead_required
def role_edit(request: AuthenticatedHttpRequest, role_id: int) -> HttpResponse:
    organisation_id = member_membership(request.user).organisation_id
    role = Role.objects.filter(pk=role_id, organisation_id=organisation_id).first()
    if role is None:
        raise Http404
    initial: dict[str, Any] = {name: getattr(role, name) for name in services.ROLE_FIELDS}
    initial["name"] = _(role.name)  # shipped names are stored in English and shown translated
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if values["name"] == _(role.name):
            values["name"] = role.name  # an untouched translated name is not a rename
        try:
            services.role_update(role=role, actor_id=request.user.pk, **values)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Role saved."))
            return redirect("roles:edit", role_id=role.pk)
    context = {
        "form": form,
        "role": role,
        "history": history_of(organisation_id=organisation_id, model=Role, object_id=role.pk),
    }
    return render(request, "roles/form.html", context)
