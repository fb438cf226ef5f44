"""Writing a chunk of planned import rows: accounts, activities, and deals created or updated.

The job lifecycle (apps.imports.services) calls these inside the chunk's transaction. Each
writer is set-based: a few statements per chunk, never one per row.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, DateTimeField, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Account, Activity, ActivityType, Deal, Stage
from apps.activities.services import EVENT_KIND_OF_TYPE, StageMove, deals_move_stage
from apps.imports.models import ImportedDeal, ImportJob
from apps.imports.rows import (
    DEFAULT_TIME_OF_DAY,
    CleanRow,
    Lookups,
    changed_deal_fields,
    deal_snapshot,
)
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import EventInput, usage_events_insert, usage_events_insert_returning, usage_keys_recorded

KEY_FIELD = "_key"
DUPLICATE_IN_FILE_FIELD = "_duplicate_in_file"
BATCH_ROWS = 2000
# Deals whose last activity one UPDATE moves forward; keeps the statement's parameters few.
DEAL_TOUCH_BATCH = 500


def aware(moment: dt.datetime | dt.date) -> dt.datetime:
    """Return a file's date (noon) or naive local time as an aware moment."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, DEFAULT_TIME_OF_DAY)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def accounts_create(job: ImportJob, rows: list[CleanRow], lookups: Lookups) -> None:
    """Create the accounts new rows name that the organisation does not have yet."""
    wanted: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.values["account_id"] is None and row.values.get("account"):
            wanted.setdefault(row.values["account"].lower(), (row.values["account"], row.values["owner_id"]))
    if wanted:
        Account.objects.bulk_create(
            [Account(organisation_id=job.organisation_id, name=name, owner_id=owner_id)
             for name, owner_id in wanted.values()],
            ignore_conflicts=True,
        )
        names = [name for name, _owner in wanted.values()]
        for pk, name in Account.objects.filter(organisation_id=job.organisation_id, name__in=names).values_list(
                "pk", "name"):
            lookups.accounts.setdefault(name.lower(), pk)
    for row in rows:
        if row.values["account_id"] is None and row.values.get("account"):
            row.values["account_id"] = lookups.accounts[row.values["account"].lower()]


# --- Activities ------------------------------------------------------------------------------

def existing_event_keys(keys: list[str]) -> set[str]:
    return {key for _source, key in usage_keys_recorded((EventSource.IMPORT, key) for key in keys)}


def _activity_event(job: ImportJob, row: CleanRow) -> EventInput:
    values = row.values
    metadata: dict[str, Any] = {"import_job": job.pk, "row": row.row_number, "account_id": values["account_id"],
                                "deal_id": values["deal_id"], "type": values["type"]}
    # No duration: imported entries count with the contract's expected minutes for the kind.
    return EventInput(user_id=values["owner_id"], kind=EVENT_KIND_OF_TYPE[values["type"]],
                      occurred_at=aware(values["occurred_at"]), source=EventSource.IMPORT,
                      idempotency_key=values[KEY_FIELD], metadata=metadata)


def activities_write(job: ImportJob, rows: list[CleanRow], lookups: Lookups) -> int:
    """Write activity rows not imported before, each with its usage event; return how many."""
    existing = existing_event_keys([r.values[KEY_FIELD] for r in rows]) if rows else set()
    fresh = [r for r in rows if r.values[KEY_FIELD] not in existing]
    accounts_create(job, fresh, lookups)
    # Only the events this call inserted: a key another import recorded at the same moment is theirs.
    ours = {e.idempotency_key: e.event_id
            for e in usage_events_insert_returning(events=[_activity_event(job, r) for r in fresh])}
    written = [r for r in fresh if r.values[KEY_FIELD] in ours]
    activities = [
        Activity(
            owner_id=r.values["owner_id"], type=r.values["type"], account_id=r.values["account_id"],
            deal_id=r.values["deal_id"],
            summary=r.values["summary"] or _("Imported %(type)s") % {"type": ActivityType(r.values["type"]).label},
            occurred_at=aware(r.values["occurred_at"]), entry_seconds=None,
            usage_event_id=ours[r.values[KEY_FIELD]],
        )
        for r in written
    ]
    Activity.objects.bulk_create(activities, batch_size=BATCH_ROWS)
    latest_by_deal: dict[int, dt.datetime] = {}
    for activity in activities:
        if activity.deal_id is not None:
            current = latest_by_deal.get(activity.deal_id)
            if current is None or activity.occurred_at > current:
                latest_by_deal[activity.deal_id] = activity.occurred_at
    _deals_touch(latest_by_deal)
    return len(written)


def _deals_touch(latest_by_deal: Mapping[int, dt.datetime]) -> None:
    """Move each deal's last_activity_at forward to its newest imported activity, in few UPDATEs.

    Only forward: an old imported call must not make a deal look fresh. COALESCE first, as
    SQLite's MAX() of a NULL is NULL while PostgreSQL's GREATEST skips it.
    """
    deal_ids = list(latest_by_deal)
    for start in range(0, len(deal_ids), DEAL_TOUCH_BATCH):
        batch = deal_ids[start:start + DEAL_TOUCH_BATCH]
        newest = Case(*[When(pk=pk, then=Value(latest_by_deal[pk])) for pk in batch], output_field=DateTimeField())
        moved_forward = Greatest(Coalesce("last_activity_at", newest), newest)
        Deal.objects.filter(pk__in=batch).update(last_activity_at=moved_forward)


# --- Deals -----------------------------------------------------------------------------------

@dataclass
class DealPlan:
    """What a chunk of deal rows would do: create, update (with the fields that changed), or nothing."""

    new: list[CleanRow] = field(default_factory=list)
    changed: list[tuple[CleanRow, int, list[str]]] = field(default_factory=list)  # row, deal id, fields
    unchanged: list[CleanRow] = field(default_factory=list)


def _deal_snapshot_of(deal: Deal) -> dict[str, Any]:
    """Return what a deal holds now, as a snapshot (for deals imported before snapshots were kept)."""
    return deal_snapshot({
        "owner_id": deal.owner_id, "name": deal.name, "account": deal.account.name if deal.account else None,
        "stage_id": deal.stage_id, "engaged_on": deal.engaged_on, "closed_on": deal.closed_on,
        "amount": deal.amount, "product": deal.product,
    })


def deals_plan(job: ImportJob, rows: list[CleanRow]) -> DealPlan:
    """Sort valid deal rows into new, changed and unchanged against what earlier imports left."""
    plan = DealPlan()
    candidates = [r for r in rows if not r.values.get(DUPLICATE_IN_FILE_FIELD)]
    known = {
        key: (deal_id, values) for key, deal_id, values in ImportedDeal.objects.filter(
            organisation_id=job.organisation_id, key__in=[r.values[KEY_FIELD] for r in candidates],
        ).values_list("key", "deal_id", "values")
    } if candidates else {}
    missing_snapshots = [deal_id for deal_id, values in known.values() if not values]
    current = {
        d.pk: _deal_snapshot_of(d)
        for d in Deal.objects.filter(pk__in=missing_snapshots).select_related("account")
    } if missing_snapshots else {}
    for row in rows:
        if row.values.get(DUPLICATE_IN_FILE_FIELD):
            plan.unchanged.append(row)  # the same deal twice in one file is one deal
            continue
        entry = known.get(row.values[KEY_FIELD])
        if entry is None:
            plan.new.append(row)
            continue
        deal_id, before = entry
        changed = changed_deal_fields(before or current.get(deal_id, {}), deal_snapshot(row.values))
        if changed:
            plan.changed.append((row, deal_id, changed))
        else:
            plan.unchanged.append(row)
    return plan


def _stage_entered_at(stage: Stage, closed_on: dt.date | None) -> dt.datetime | None:
    """Return when an imported deal entered its stage: its close date for a closed deal, else unknown."""
    return aware(closed_on) if stage.is_closed and closed_on else None


def deals_write(job: ImportJob, rows: list[CleanRow], lookups: Lookups) -> tuple[int, int]:
    """Create new deals and update changed ones; return (created, updated).

    No stage history is invented: a new deal is created in the stage the file names, with no
    stage changes; only a move a later export shows becomes a stage change (through
    `deals_move_stage`, which records the usage event).
    """
    plan = deals_plan(job, rows)
    stages = {s.pk: s for s in Stage.objects.filter(organisation_id=job.organisation_id)}
    accounts_create(job, plan.new + [row for row, _deal_id, _fields in plan.changed], lookups)
    created = _deals_create(job, plan.new, stages)
    updated = _deals_update(job, plan.changed, stages)
    return created, updated


def _deals_create(job: ImportJob, rows: list[CleanRow], stages: Mapping[int, Stage]) -> int:
    deals = []
    for r in rows:
        v = r.values
        stage = stages[v["stage_id"]]
        deals.append(Deal(
            account_id=v["account_id"], owner_id=v["owner_id"], name=v["name"], amount=v["amount"],
            product=v.get("product") or "", stage=stage, stage_entered_at=_stage_entered_at(stage, v["closed_on"]),
            engaged_on=v["engaged_on"], closed_on=v["closed_on"], last_activity_at=None,
        ))
    Deal.objects.bulk_create(deals, batch_size=BATCH_ROWS)
    now = timezone.now()
    ImportedDeal.objects.bulk_create([
        ImportedDeal(organisation_id=job.organisation_id, key=r.values[KEY_FIELD], deal=deal,
                     values=deal_snapshot(r.values), job=job, updated_at=now)
        for r, deal in zip(rows, deals, strict=True)
    ], batch_size=BATCH_ROWS)
    # Creating the deal is a give on the day it was engaged; a deal without that date has no day.
    usage_events_insert(events=[
        EventInput(user_id=deal.owner_id, kind=EventKind.DEAL_CREATED, occurred_at=aware(engaged_on),
                   source=EventSource.IMPORT, idempotency_key=f"import-deal:{deal.pk}",
                   metadata={"import_job": job.pk, "row": r.row_number, "deal_id": deal.pk,
                             "account_id": deal.account_id, "stage_id": deal.stage_id, "name": deal.name})
        for r, deal in zip(rows, deals, strict=True) if (engaged_on := deal.engaged_on) is not None
    ])
    return len(deals)


FIELD_OF = {"owner_id": "owner_id", "name": "name", "account": "account_id", "engaged_on": "engaged_on",
            "closed_on": "closed_on", "amount": "amount", "product": "product"}


def _deals_update(job: ImportJob, changed: list[tuple[CleanRow, int, list[str]]], stages: Mapping[int, Stage]) -> int:
    if not changed:
        return 0
    deals = Deal.objects.select_related("stage").in_bulk([deal_id for _row, deal_id, _fields in changed])
    now = timezone.now()
    touched: set[str] = set()
    moves: list[StageMove] = []
    for row, deal_id, fields in changed:
        deal, v = deals[deal_id], row.values
        for name in fields:
            if name == "stage_id":
                continue
            if name == "account":
                value = v["account_id"]
            elif name == "product":
                value = v.get("product") or ""
            else:
                value = v.get(name)
            setattr(deal, FIELD_OF[name], value)
            touched.add(FIELD_OF[name])
        if "stage_id" in fields and deal.stage_id != v["stage_id"]:
            stage = stages[v["stage_id"]]
            stated = stage.is_closed and v["closed_on"] is not None
            # A move to a closed stage happened on the close date the file states; a move between
            # open stages happened at a moment the file does not say.
            moves.append(StageMove(deal=deal, to_stage=stage, at=aware(v["closed_on"]) if stated else now,
                                   at_is_known=stated, closed_on=v["closed_on"]))
    if touched:
        Deal.objects.bulk_update(list(deals.values()), sorted(touched), batch_size=BATCH_ROWS)
    deals_move_stage(moves=moves, source=EventSource.IMPORT)
    records = ImportedDeal.objects.in_bulk([deal_id for _r, deal_id, _f in changed], field_name="deal_id")
    for row, deal_id, _fields in changed:
        record = records[deal_id]
        record.values, record.job, record.updated_at = deal_snapshot(row.values), job, now
    ImportedDeal.objects.bulk_update(list(records.values()), ["values", "job", "updated_at"], batch_size=BATCH_ROWS)
    return len(changed)
