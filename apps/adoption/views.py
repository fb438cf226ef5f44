"""Adoption pages: the lead's organisation figures and a person's own."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.adoption import selectors
from apps.adoption.figures import frequency_bucket
from apps.core.charts import Point, bar_chart
from apps.core.periods import week_start
from apps.core.privacy import breakdown_disclosure
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.policies import membership_of


def _bucket_labels() -> dict[str, str]:
    return {
        "daily": _("Daily (13 or more of 30 days)"),
        "weekly": _("Weekly (5–12 days)"),
        "monthly": _("Monthly (1–4 days)"),
        "dormant": _("Dormant (no active day)"),
    }


@project_lead_required
def organisation(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # the decorator lets in members only
    today = timezone.localdate()
    people = selectors.counted_people(organisation_id=membership.organisation_id)
    total = people.count()
    buckets = selectors.frequency_buckets(people=people, today=today)
    lifecycle = selectors.weekly_lifecycle(people=people, monday=week_start(today))
    labels = _bucket_labels()
    bucket_rows = [(labels[key], count) for key, count in buckets.items()]
    lifecycle_rows = [
        (_("New"), lifecycle.new),
        (_("Returning"), lifecycle.returning),
        (_("Resurrecting"), lifecycle.resurrecting),
        (_("Dormant"), lifecycle.dormant),
    ]
    context = {
        "total": total,
        "buckets_shown": breakdown_disclosure(total=total, group_sizes=buckets).shown,
        "bucket_rows": bucket_rows,
        "bucket_chart": bar_chart(
            [Point(label, value) for label, value in bucket_rows], title=_("People by how often they use the CRM")
        ),
        "lifecycle_shown": breakdown_disclosure(
            total=total,
            group_sizes={
                "new": lifecycle.new,
                "returning": lifecycle.returning,
                "resurrecting": lifecycle.resurrecting,
                "dormant": lifecycle.dormant,
            },
        ).shown,
        "lifecycle_rows": lifecycle_rows,
        "lifecycle_chart": bar_chart(
            [Point(label, value) for label, value in lifecycle_rows], title=_("This week's lifecycle")
        ),
        "lifecycle_warning": lifecycle.warning,
    }
    return render(request, "adoption/organisation.html", context)


@member_required
def mine(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # the decorator lets in members only
    today = timezone.localdate()
    me = selectors.counted_people(organisation_id=membership.organisation_id).filter(pk=membership.user_id)
    days = selectors.active_days_by_person(people=me, first_day=today - dt.timedelta(days=29), last_day=today)
    active = days.get(membership.user_id, 0)
    return render(
        request,
        "adoption/mine.html",
        {"active_days": active, "bucket": _bucket_labels()[frequency_bucket(active)]},
    )
