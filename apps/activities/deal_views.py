"""The rep's own deals: open one on an account, and move it through the pipeline's stages.

Both go through `services.deal_create` / `services.deal_move_stage`, which record the usage event
(a deal created, a stage changed) and the stage history that coaching reads.
"""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.activities import services
from apps.activities.models import Account, Deal, Stage
from apps.activities.selectors import open_deals
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import member_required
from apps.roles.policies import member_organisation_id


class DealForm(forms.Form):
    account = forms.ModelChoiceField(label=gettext_lazy("Account"), queryset=Account.objects.none(),
                                     empty_label="—")
    name = forms.CharField(label=gettext_lazy("What is the deal?"), max_length=200)
    amount = forms.DecimalField(label=gettext_lazy("Amount"), min_value=Decimal(0), max_digits=14,
                                decimal_places=2, required=False)
    stage = forms.ModelChoiceField(label=gettext_lazy("Stage"), queryset=Stage.objects.none(), empty_label=None)

    def __init__(self, *args: object, organisation_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["account"].queryset = Account.objects.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]
        self.fields["stage"].queryset = _open_stages(organisation_id)  # type: ignore[attr-defined]


def _open_stages(organisation_id: int) -> QuerySet[Stage]:
    return Stage.objects.filter(organisation_id=organisation_id, is_won=False, is_lost=False).order_by("order")


@member_required
def deals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's open deals with a stage picker each, and the form to open a new one."""
    organisation_id = member_organisation_id(request.user)
    form = DealForm(request.POST or None, organisation_id=organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deal, _created = services.deal_create(
                owner_id=request.user.pk, account=data["account"], name=data["name"],
                amount=data["amount"] or Decimal(0), stage=data["stage"],
                # The form sent twice (a double click, a resend) opens one deal.
                idempotency_key=f"deal-form:{request.user.pk}:{request.POST.get('form_token', '')[:64]}"
                if request.POST.get("form_token") else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Deal “%(name)s” opened.") % {"name": deal.name})
            return redirect("activities:deals")
    stages = Stage.objects.filter(organisation_id=organisation_id).order_by("order")
    return render(request, "activities/deals.html", {
        "deals": open_deals(owner_id=request.user.pk), "form": form, "stages": stages,
        "form_token": request.POST.get("form_token") or uuid.uuid4().hex,
    })


@require_POST
@member_required
def deal_stage(request: AuthenticatedHttpRequest, deal_id: int) -> HttpResponse:
    """Move one of the person's own deals to another stage of their organisation's pipeline."""
    deal = Deal.objects.filter(pk=deal_id, owner=request.user).select_related("stage").first()
    if deal is None:
        raise Http404
    stage = Stage.objects.filter(pk=request.POST.get("stage") or 0, organisation_id=deal.stage.organisation_id).first()
    if stage is None:
        messages.error(request, _("Choose a stage of your pipeline."))
        return redirect("activities:deals")
    services.deal_move_stage(deal=deal, to_stage=stage, actor_id=request.user.pk)
    messages.success(request, _("“%(deal)s” is now in %(stage)s.") % {"deal": deal.name, "stage": stage.name})
    return redirect("activities:deals")
