"""Adoption pages: the lead's figures (organisation, team, role, phase), a manager's team, a person's own."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from apps.adoption import health, selectors
from apps.adoption.figures import frequency_bucket, share
from apps.adoption.forms import PeriodForm, ReportPeriod, SeatsForm
from apps.adoption.models import SeatAllowance
from apps.adoption.services import seats_set
from apps.core.charts import Point, bar_chart, line_chart
from apps.core.periods import week_start
from apps.core.privacy import breakdown_disclosure, may_show_aggregate
from apps.roles.decorators import manager_required, member_required, project_lead_required
from apps.roles.models import Role, Team
from apps.roles.policies import can_view_team, managed_team_ids, membership_of
from apps.rollout.models import RolloutPhase


def _bucket_labels() -> dict[str, str]:
    return {
        "daily": _("Daily (13 or more of 30 days)"),
        "weekly": _("Weekly (5–12 days)"),
        "monthly": _("Monthly (1–4 days)"),
        "dormant": _("Dormant (no active day)"),
    }


def _shown(total: int, **groups: int) -> bool:
    return breakdown_disclosure(total=total, group_sizes=groups).shown


def _day_label(day: dt.date) -> str:
    return formats.date_format(day, "j/n")


def _pct(ratio: float | None) -> float | None:
    return None if ratio is None else 100 * ratio


def _stickiness(people: QuerySet[User], period: ReportPeriod) -> dict[str, Any]:
    days = selectors.daily_activity(people=people, first_day=period.first_day, last_day=period.last_day)
    # One row a week, ending on the period's last day; a ratio over fewer than five people is hidden.
    weekly = [d for d in days if (period.last_day - d.day).days % 7 == 0]
    rows: list[dict[str, Any]] = [
        {"day": d.day, "dau_mau": _pct(d.dau_mau), "wau_mau": _pct(d.wau_mau), "shown": may_show_aggregate(d.mau)}
        for d in weekly
    ]
    last = rows[-1]
    return {
        "stickiness_rows": rows,
        "stickiness_now": last,
        "stickiness_chart": line_chart(
            [Point(_day_label(r["day"]), r["dau_mau"] if r["shown"] else None) for r in rows],
            title=_("Stickiness (DAU/MAU, 30-day rolling average), %"),
        ),
    }


def _core_events(people: QuerySet[User], period: ReportPeriod) -> dict[str, Any]:
    found = selectors.core_event_adoption(people=people, first_day=period.first_day, last_day=period.last_day)
    shown = [r for r in found if _shown(r.people, did=r.did)]
    return {
        "core_rows": [{"row": r, "shown": r in shown} for r in found],
        "core_chart": bar_chart(
            [Point(f"{r.role}: {r.give_label}", r.pct) for r in shown],
            title=_("Share of people who did each contracted give, %"), max_value=100, unit=" %",
        ) if shown else None,
    }


def _retention(people: QuerySet[User], period: ReportPeriod) -> dict[str, Any]:
    cohorts = selectors.retention_by_cohort(people=people, last_day=period.last_day)
    rows = []
    for cohort in cohorts:
        cells: list[dict[str, Any]] = []
        for cell in cohort.cells:
            if cell.active is None:
                cells.append({"state": "open", "pct": None})
            elif may_show_aggregate(cohort.people) and _shown(cohort.people, active=cell.active):
                cells.append({"state": "shown", "pct": share(cell.active, cohort.people)})
            else:
                cells.append({"state": "hidden", "pct": None})
        rows.append({"monday": cohort.monday, "people": cohort.people, "shown": may_show_aggregate(cohort.people),
                     "cells": cells})
    return {"retention_rows": rows, "retention_offsets": selectors.RETENTION_OFFSETS}


def _first_value(people: QuerySet[User], period: ReportPeriod) -> dict[str, Any]:
    found = selectors.time_to_first_value(people=people, last_day=period.last_day)
    shown = [r for r in found if may_show_aggregate(r.reached) and _shown(r.reached + r.waiting, reached=r.reached)]
    return {
        "first_value_rows": [{"row": r, "shown": r in shown} for r in found],
        "first_value_chart": bar_chart(
            [Point(r.role, r.median) for r in shown], title=_("Median days from go-live to first quick win"),
            unit=" " + _("days"),
        ) if shown else None,
    }


def _report(
    people: QuerySet[User], period: ReportPeriod, *, organisation_id: int | None = None
) -> dict[str, Any]:
    """Return every adoption figure for the group over the period, each with its privacy decision."""
    total = people.count()
    active = selectors.active_days_summary(people=people, first_day=period.first_day, last_day=period.last_day)
    buckets = selectors.frequency_buckets(people=people, today=period.last_day)
    lifecycle = selectors.weekly_lifecycle(people=people, monday=week_start(period.last_day))
    labels = _bucket_labels()
    bucket_rows = [(labels[key], count) for key, count in buckets.items()]
    lifecycle_groups = {
        "new": lifecycle.new, "returning": lifecycle.returning,
        "resurrecting": lifecycle.resurrecting, "dormant": lifecycle.dormant,
    }
    lifecycle_rows = [
        (_("New"), lifecycle.new), (_("Returning"), lifecycle.returning),
        (_("Resurrecting"), lifecycle.resurrecting), (_("Dormant"), lifecycle.dormant),
    ]
    context: dict[str, Any] = {
        "period": period,
        "total": total,
        "enough_people": may_show_aggregate(total),
        "active": active,
        "active_shown": _shown(total, active=active.active_people),
        "buckets_shown": breakdown_disclosure(total=total, group_sizes=buckets).shown,
        "bucket_rows": bucket_rows,
        "bucket_chart": bar_chart(
            [Point(label, value) for label, value in bucket_rows], title=_("People by how often they use the CRM")
        ),
        "lifecycle_monday": week_start(period.last_day),
        "lifecycle_shown": breakdown_disclosure(total=total, group_sizes=lifecycle_groups).shown,
        "lifecycle_rows": lifecycle_rows,
        "lifecycle_chart": bar_chart(
            [Point(label, value) for label, value in lifecycle_rows], title=_("The week's lifecycle")
        ),
        "lifecycle_warning": lifecycle.warning,
    }
    if may_show_aggregate(total):
        context |= _stickiness(people, period)
    context |= _core_events(people, period) | _retention(people, period) | _first_value(people, period)
    if organisation_id is not None:
        context["seats"] = selectors.seat_utilisation(
            organisation_id=organisation_id, active_people=active.active_people
        )
        bulk_rows = selectors.bulk_logging_by_group(
            people=people, organisation_id=organisation_id, first_day=period.first_day, last_day=period.last_day
        )
    else:
        loggers, bulk = selectors.bulk_loggers(people=people, first_day=period.first_day, last_day=period.last_day)
        bulk_rows = [selectors.HealthRow(group=_("These people"), loggers=len(loggers), bulk=len(bulk))]
    context["health_rows"] = [{"row": r, "shown": _shown(r.loggers, bulk=r.bulk)} for r in bulk_rows]
    if organisation_id is not None:
        groups = selectors.group_members(organisation_id=organisation_id, people=people)
    else:
        groups = {_("These people"): set(people.values_list("pk", flat=True))}
    context["signal_rows"] = health.health_by_group(
        groups=groups, people=people, first_day=period.first_day, last_day=period.last_day
    )
    context |= _signal_thresholds()
    return context


def _signal_thresholds() -> dict[str, Any]:
    return {
        "near_empty_chars": health.NEAR_EMPTY_CHARS, "repeat_times": health.REPEAT_TIMES,
        "backdate_days": health.BACKDATE_DAYS, "backdate_batch": health.BACKDATE_BATCH,
        "backdate_minutes": health.BACKDATE_MINUTES, "signal_keys": health.SIGNALS,
    }


def _lead_scopes(organisation_id: int) -> list[tuple[str, str]]:
    scopes = [("", _("Everyone in the organisation"))]
    scopes += [(f"team:{t.pk}", _("Team: %(name)s") % {"name": t.name})
               for t in Team.objects.filter(organisation_id=organisation_id).order_by("name")]
    scopes += [(f"role:{r.pk}", _("Role: %(name)s") % {"name": r.name})
               for r in Role.objects.filter(organisation_id=organisation_id).order_by("name")]
    scopes += [(f"phase:{p.pk}", _("Phase: %(name)s") % {"name": p.name})
               for p in RolloutPhase.objects.filter(organisation_id=organisation_id).order_by("order")]
    return scopes


def _scoped_people(people: QuerySet[User], scope: str, organisation_id: int) -> QuerySet[User]:
    kind, _sep, pk = scope.partition(":")
    if kind == "team":
        return selectors.team_people(people=people, team_id=int(pk))
    if kind == "role":
        return selectors.role_people(people=people, role_id=int(pk))
    if kind == "phase":
        phase = RolloutPhase.objects.get(pk=int(pk), organisation_id=organisation_id)
        return selectors.covered_people(people=people, phase=phase)
    return people


@project_lead_required
def organisation(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # the decorator lets in members only
    org_id = membership.organisation_id
    scopes = _lead_scopes(org_id)
    form = PeriodForm(request.GET or None, scopes=scopes)
    scope = form.scope()
    people = _scoped_people(selectors.counted_people(organisation_id=org_id), scope, org_id)
    context = _report(people, form.period(), organisation_id=None if scope else org_id)
    context |= {"form": form, "scope_label": dict(scopes)[scope], "seats_editable": True}
    context |= {"bulk_entries": selectors.BULK_ENTRIES, "bulk_minutes": selectors.BULK_MINUTES}
    return render(request, "adoption/organisation.html", context)


@manager_required
def teams(request: HttpRequest) -> HttpResponse:
    """Open the first of the manager's teams; the page links to the others."""
    first = Team.objects.filter(pk__in=managed_team_ids(request.user)).order_by("name").first()
    if first is None:
        raise Http404
    return redirect("adoption:team", team_id=first.pk)


@manager_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    if not can_view_team(request.user, team_id):
        raise Http404
    membership = membership_of(request.user)
    assert membership is not None
    the_team = Team.objects.get(pk=team_id)
    form = PeriodForm(request.GET or None)
    people = selectors.team_people(
        people=selectors.counted_people(organisation_id=membership.organisation_id), team_id=team_id
    )
    context = _report(people, form.period())
    context |= {
        "bulk_entries": selectors.BULK_ENTRIES, "bulk_minutes": selectors.BULK_MINUTES,
        "form": form, "scope_label": _("Team: %(name)s") % {"name": the_team.name}, "team": the_team,
        "other_teams": Team.objects.filter(pk__in=managed_team_ids(request.user)).exclude(pk=team_id).order_by("name"),
    }
    return render(request, "adoption/organisation.html", context)


@project_lead_required
def seats(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None
    current = SeatAllowance.objects.filter(organisation_id=membership.organisation_id).first()
    form = SeatsForm(request.POST or None, initial={"seats": current.seats if current else None})
    if request.method == "POST" and form.is_valid():
        seats_set(organisation_id=membership.organisation_id, seats=form.cleaned_data["seats"])
        return redirect("adoption:organisation")
    return render(request, "adoption/seats.html", {"form": form})


@member_required
def mine(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None  # the decorator lets in members only
    form = PeriodForm(request.GET or None)
    period = form.period()
    me = selectors.counted_people(organisation_id=membership.organisation_id).filter(pk=membership.user_id)
    last_30 = selectors.active_days_by_person(
        people=me, first_day=period.last_day - dt.timedelta(days=29), last_day=period.last_day
    ).get(membership.user_id, 0)
    in_period = selectors.active_days_by_person(
        people=me, first_day=period.first_day, last_day=period.last_day
    ).get(membership.user_id, 0)
    weeks = selectors.weekly_active_days(
        user_id=membership.user_id, first_day=period.first_day, last_day=period.last_day
    )
    return render(request, "adoption/mine.html", {
        "form": form,
        "period": period,
        "counted": me.exists(),
        "active_days": last_30,
        "period_days": in_period,
        "bucket": _bucket_labels()[frequency_bucket(last_30)],
        "weeks": weeks,
        "weeks_chart": bar_chart(
            [Point(_day_label(monday), days) for monday, days in weeks.items()],
            title=_("My active days per week"), max_value=7,
        ),
        "gives": selectors.own_gives(user_id=membership.user_id, first_day=period.first_day,
                                     last_day=period.last_day),
        "first_value": selectors.own_first_value(user_id=membership.user_id),
        "bulk": membership.user_id in selectors.bulk_loggers(
            people=User.objects.filter(pk=membership.user_id), first_day=period.first_day, last_day=period.last_day
        )[1],
        "bulk_entries": selectors.BULK_ENTRIES,
        "bulk_minutes": selectors.BULK_MINUTES,
        "signals": health.own_signals(user_id=membership.user_id, first_day=period.first_day,
                                      last_day=period.last_day),
        **_signal_thresholds(),
    })
