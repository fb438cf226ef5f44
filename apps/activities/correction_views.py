"""Pages to correct or withdraw one's own activity within 24 hours (rules in `corrections`)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.activities import corrections
from apps.activities.models import Activity, ActivityType
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import member_required

RECENT_DAYS = 7


class ActivityCorrectForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=ActivityType.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=gettext_lazy("Outcome or next step"), max_length=500)


@member_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own activities of the last week; those under a day old can be corrected."""
    now = timezone.now()
    activities = list(
        Activity.objects.filter(owner=request.user, created_at__gte=now - dt.timedelta(days=RECENT_DAYS))
        .select_related("account", "deal")
        .order_by("-created_at")
    )
    rows = [{"activity": a, "changeable": corrections.can_correct(activity=a, user_id=request.user.pk, now=now),
             "deadline": corrections.correction_deadline(a)} for a in activities]
    return render(request, "activities/mine.html", {"rows": rows, "days": RECENT_DAYS})


@member_required
def correct(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    """Correct the type or text of one's own activity, or withdraw it."""
    activity = Activity.objects.filter(pk=activity_id, owner=request.user).select_related("account", "deal").first()
    if activity is None:
        raise Http404  # someone else's activity does not exist for you
    if not corrections.can_correct(activity=activity, user_id=request.user.pk):
        messages.error(request, _("An activity can be corrected or withdrawn for 24 hours after it was logged."))
        return redirect("activities:mine")
    form = ActivityCorrectForm(request.POST or None, initial={"type": activity.type, "summary": activity.summary})
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        corrections.activity_withdraw(activity=activity, actor_id=request.user.pk)
        messages.success(request, _("Activity withdrawn; your score no longer counts it."))
        return redirect("activities:mine")
    if request.method == "POST" and form.is_valid():
        try:
            corrections.activity_correct(activity=activity, actor_id=request.user.pk, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Activity corrected."))
            return redirect("activities:mine")
    context = {"activity": activity, "form": form, "deadline": corrections.correction_deadline(activity)}
    return render(request, "activities/correct.html", context)
