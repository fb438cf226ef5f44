"""Computing and storing Net Beneficiary snapshots.

Inputs are read with grouped queries (one row per person, kind and week), never by looping
over events; the equation itself lives in `equation.py`.
"""

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, Exists, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from apps.core.enqueue import task_enqueue_on_commit
from apps.core.periods import ROLLING_WEEKS, period_for_monday, week_start
from apps.givegets.models import Delivery, GiveGetContract
from apps.pulse.models import PulseResponse
from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS, Membership
from apps.scoring import equation
from apps.scoring.models import HistoryBackfill, ScoreSnapshot
from apps.suggestions.acted_on import accepted_pending_counts
from apps.usage.kinds import CONTRIBUTION_KINDS, GIVE_KIND_DEFAULT_MINUTES, GIVE_KINDS
from apps.usage.models import DailyRollup, UsageEvent
from apps.usage.rollups import RollupRow, rollup_rows_from_events, rollups_of, rollups_rebuild

User = get_user_model()
PULSE_WINDOW = dt.timedelta(days=30)
MAX_BACKFILL_WEEKS = 26
BACKFILL_TASK = "apps.scoring.tasks.backfill_score_history"


@dataclass
class GiveLine:
    count: int = 0
    measured: int = 0
    minutes: Decimal = Decimal("0")

    def add(self, other: "GiveLine") -> None:
        self.count += other.count
        self.measured += other.measured
        self.minutes += other.minutes


@dataclass
class GetLine:
    count: int = 0
    minutes: Decimal = Decimal("0")

    def add(self, other: "GetLine") -> None:
        self.count += other.count
        self.minutes += other.minutes


@dataclass
class WeekInputs:
    give: dict[str, GiveLine] = field(default_factory=lambda: defaultdict(GiveLine))
    get: dict[str, GetLine] = field(default_factory=lambda: defaultdict(GetLine))

    @property
    def give_minutes(self) -> Decimal:
        return sum((line.minutes for line in self.give.values()), Decimal("0"))

    @property
    def get_minutes(self) -> Decimal:
        return sum((line.minutes for line in self.get.values()), Decimal("0"))

    @property
    def contributed(self) -> int:
        """Return how many CRM entries (CONTRIBUTION_KINDS) the person logged."""
        return sum(line.count for kind, line in self.give.items() if kind in CONTRIBUTION_KINDS)


def _q2(value: Decimal) -> Decimal:
    # "+ 0" turns a negative zero (a sum of thirds that cancels to -1E-27) into "0.00".
    return value.quantize(Decimal("0.01")) + 0


def _expected_minutes_by_role() -> dict[tuple[int | None, str], Decimal]:
    """Return the contracts' expected minutes per (role, give kind) for unmeasured entries."""
    expected: dict[tuple[int | None, str], Decimal] = {}
    for role_id, kind, minutes in GiveGetContract.objects.filter(is_active=True).values_list(
        "role_id", "give_kind", "give_expected_minutes"
    ):
        expected[(role_id, kind)] = max(minutes, expected.get((role_id, kind), Decimal("0")))
    return expected


@dataclass(frozen=True)
class RoleScoring:
    """The scoring values of a person's role (people without a role get the defaults)."""

    role_id: int | None = None
    entry_cap_seconds: int = DEFAULT_ENTRY_CAP_SECONDS
    pulse_weight: Decimal = equation.DEFAULT_PULSE_WEIGHT


def _people_filter(user_ids: Sequence[int], *, id_range: bool) -> Q:
    """Filter on these people: an IN list, or with `id_range` (a batch of ascending ids with few
    gaps, the caller skipping anyone else) the range from the first to the last id."""
    return Q(user_id__gte=user_ids[0], user_id__lte=user_ids[-1]) if id_range else Q(user_id__in=user_ids)


def role_scoring_of(user_ids: Sequence[int], *, id_range: bool = False) -> dict[int, RoleScoring]:
    """Return each person's role scoring values in one query (see `_people_filter` for `id_range`)."""
    if not user_ids:
        return {}
    # Ordered: a person in several organisations gets their newest membership's values (as rollups do).
    rows = Membership.objects.filter(_people_filter(user_ids, id_range=id_range)).order_by("pk").values_list(
        "user_id", "role_id", "role__entry_cap_seconds", "role__pulse_weight"
    )
    return {user_id: RoleScoring(role_id, cap, Decimal(weight)) for user_id, role_id, cap, weight in rows}


def give_rollups(
    *, user_ids: Sequence[int], first_day: dt.date, last_day: dt.date, scoring: Mapping[int, RoleScoring],
) -> list[RollupRow]:
    """Return the people's give-kind daily rollups from first to last day, under their current caps.

    A person whose rollups were counted under another entry cap (their role's cap changed, or
    they changed role) is recounted from the raw log first; when writers hold the rollups right
    now, their figures are counted from the raw log for this run instead of waiting.
    """
    rows = rollups_of(user_ids=user_ids, first_day=first_day, last_day=last_day, kinds=GIVE_KINDS)
    stale = sorted({r.user_id for r in rows
                    if r.cap_seconds != scoring.get(r.user_id, RoleScoring()).entry_cap_seconds})
    if not stale:
        return rows
    stale_set = set(stale)
    kept = [r for r in rows if r.user_id not in stale_set]
    if rollups_rebuild(user_ids=stale, wait=False):
        return kept + rollups_of(user_ids=stale, first_day=first_day, last_day=last_day, kinds=GIVE_KINDS)
    caps = {u: scoring.get(u, RoleScoring()).entry_cap_seconds for u in stale}
    return kept + rollup_rows_from_events(user_ids=stale, caps=caps, first_day=first_day, last_day=last_day,
                                          kinds=GIVE_KINDS)


def collect_inputs(
    *,
    user_ids: Sequence[int],
    first_monday: dt.date,
    last_monday: dt.date,
    scoring: dict[int, RoleScoring] | None = None,
) -> dict[tuple[int, dt.date], WeekInputs]:
    """Return give and get lines per (user, week) for the weeks from first to last Monday."""
    start = period_for_monday(first_monday).start
    end = period_for_monday(last_monday).end
    inputs: dict[tuple[int, dt.date], WeekInputs] = defaultdict(WeekInputs)
    expected = _expected_minutes_by_role()
    tz = timezone.get_default_timezone()  # the rollups' day
    scoring = scoring if scoring is not None else role_scoring_of(user_ids)

    for rollup in give_rollups(user_ids=user_ids, first_day=first_monday,
                               last_day=last_monday + dt.timedelta(days=6), scoring=scoring):
        role_id = scoring.get(rollup.user_id, RoleScoring()).role_id
        per_entry = expected.get((role_id, rollup.kind), GIVE_KIND_DEFAULT_MINUTES[rollup.kind])
        minutes = Decimal(rollup.capped_seconds) / 60 + (rollup.events - rollup.measured) * per_entry
        line = GiveLine(count=rollup.events, measured=rollup.measured, minutes=minutes)
        inputs[(rollup.user_id, week_start(rollup.day))].give[rollup.kind].add(line)
    # Rollups count every entry; a withdrawn or corrected entry counts through its correction only,
    # so the few withdrawn originals in the window are taken back out of their lines here.
    withdrawn = (
        UsageEvent.objects.filter(user_id__in=user_ids, kind__in=GIVE_KINDS, occurred_at__gte=start,
                                  occurred_at__lt=end)
        .withdrawn(since=start)
        .values_list("user_id", "kind", "occurred_at", "duration_seconds")
    )
    for user_id, kind, occurred_at, seconds in withdrawn:
        role = scoring.get(user_id, RoleScoring())
        per_entry = expected.get((role.role_id, kind), GIVE_KIND_DEFAULT_MINUTES[kind])
        minutes = Decimal(min(seconds, role.entry_cap_seconds)) / 60 if seconds is not None else per_entry
        week = inputs[(user_id, week_start(timezone.localtime(occurred_at, tz).date()))]
        week.give[kind].add(GiveLine(count=-1, measured=-int(seconds is not None), minutes=-minutes))
        if week.give[kind].count == 0:
            del week.give[kind]

    get_rows = (
        Delivery.objects.filter(user_id__in=user_ids, consumed_at__gte=start, consumed_at__lt=end)
        .annotate(day=TruncDate("consumed_at", tzinfo=tz))
        .values("user_id", "kind", "day")
        .annotate(n=Count("id"), minutes=Sum("value_minutes"))
    )
    for row in get_rows:
        get_line = GetLine(count=row["n"], minutes=Decimal(row["minutes"] or 0))
        inputs[(row["user_id"], week_start(row["day"]))].get[row["kind"]].add(get_line)
    return inputs


Pulse = tuple[dt.datetime, Decimal, Decimal]


def _pulse_answers(
    user_ids: Sequence[int], start: dt.datetime, end: dt.datetime, *, id_range: bool = False,
) -> dict[int, list[Pulse]]:
    """Return each person's pulse answers in [start − 30 days, end), oldest first, in one query
    (see `_people_filter` for `id_range`)."""
    answers: dict[int, list[Pulse]] = defaultdict(list)
    if not user_ids:
        return answers
    for user_id, answered_at, pu, peou in (
        PulseResponse.objects.filter(_people_filter(user_ids, id_range=id_range),
                                     answered_at__gte=start - PULSE_WINDOW, answered_at__lt=end)
        .order_by("answered_at", "pk")  # the same answer wins a tie every time
        .values_list("user_id", "answered_at", "perceived_usefulness", "perceived_ease_of_use")
    ):
        answers[user_id].append((answered_at, pu, peou))
    return answers


def _latest_pulse(answers: list[Pulse], before: dt.datetime) -> tuple[Decimal | None, Decimal | None]:
    """Return the latest answer in the 30 days before `before`, or (None, None)."""
    for answered_at, pu, peou in reversed(answers):
        if answered_at < before:
            return (pu, peou) if answered_at >= before - PULSE_WINDOW else (None, None)
    return None, None


def _components(window: WeekInputs, *, accepted_pending: int = 0) -> dict[str, object]:
    return {
        "contributed": window.contributed,
        "accepted_pending": accepted_pending,
        "give": [
            {"kind": kind, "count": line.count, "measured": line.measured, "minutes": str(_q2(line.minutes))}
            for kind, line in sorted(window.give.items(), key=lambda kv: (-_q2(kv[1].minutes), kv[0]))
        ],
        "get": [
            {"kind": kind, "count": line.count, "minutes": str(_q2(line.minutes))}
            for kind, line in sorted(window.get.items(), key=lambda kv: (-_q2(kv[1].minutes), kv[0]))
        ],
    }


def scores_compute(
    *, user_ids: Sequence[int], mondays: Sequence[dt.date], close: bool = False
) -> list[ScoreSnapshot]:
    """Compute and store snapshots for these users and weeks (oldest first); return them.

    Running it twice with the same data stores the same figures (only `computed_at` moves).
    """
    if not user_ids or not mondays:
        return []
    mondays = sorted(set(mondays))
    first_needed = mondays[0] - dt.timedelta(weeks=ROLLING_WEEKS - 1)
    scoring = role_scoring_of(user_ids)
    inputs = collect_inputs(user_ids=user_ids, first_monday=first_needed, last_monday=mondays[-1], scoring=scoring)
    pulses = _pulse_answers(user_ids, period_for_monday(mondays[0]).end, period_for_monday(mondays[-1]).end)
    # Earlier scores feed "at risk" (two falls in a row).
    history: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for user_id, monday, score in ScoreSnapshot.objects.filter(
        user_id__in=user_ids,
        period_start__gte=mondays[0] - dt.timedelta(weeks=2),
        period_start__lt=mondays[-1],
    ).values_list("user_id", "period_start", "score"):
        history[user_id][monday] = score

    now = timezone.now()
    snapshots: list[ScoreSnapshot] = []
    for monday in mondays:
        period = period_for_monday(monday)
        pending = accepted_pending_counts(
            user_ids=user_ids,
            start=period_for_monday(monday - dt.timedelta(weeks=ROLLING_WEEKS - 1)).start,
            end=period.end,
        )
        window_mondays = [monday - dt.timedelta(weeks=i) for i in range(ROLLING_WEEKS)]
        for user_id in user_ids:
            week = inputs.get((user_id, monday), WeekInputs())
            window = WeekInputs()
            for m in window_mondays:
                part = inputs.get((user_id, m))
                if part is None:
                    continue
                for kind, give_line in part.give.items():
                    window.give[kind].add(give_line)
                for kind, get_line in part.get.items():
                    window.get[kind].add(get_line)
            give, get = _q2(window.give_minutes), _q2(window.get_minutes)
            index = equation.nb_index(give=give, get=get)
            pu, peou = _latest_pulse(pulses.get(user_id, []), period.end)
            weight = scoring.get(user_id, RoleScoring()).pulse_weight
            value = equation.score(index=index, usefulness=pu, ease_of_use=peou, pulse_weight=weight)
            previous = [
                history[user_id][m]
                for m in (monday - dt.timedelta(weeks=2), monday - dt.timedelta(weeks=1))
                if m in history[user_id]
            ]
            history[user_id][monday] = value
            snapshots.append(
                ScoreSnapshot(
                    user_id=user_id,
                    period_start=monday,
                    give_minutes=_q2(week.give_minutes),
                    get_minutes=_q2(week.get_minutes),
                    rolling_give_minutes=give,
                    rolling_get_minutes=get,
                    net_minutes=get - give,
                    nb_index=index,
                    score=value,
                    pulse_usefulness=pu,
                    pulse_ease_of_use=peou,
                    status=equation.status(
                        give=give, get=get, contributed=window.contributed, recent_scores=[*previous, value]
                    ),
                    components=_components(window, accepted_pending=pending.get(user_id, 0)),
                    is_closed=close,
                    computed_at=now,
                )
            )
    update_fields = [
        "give_minutes", "get_minutes", "rolling_give_minutes", "rolling_get_minutes", "net_minutes",
        "nb_index", "score", "pulse_usefulness", "pulse_ease_of_use", "status", "components", "computed_at",
    ]
    if close:
        update_fields.append("is_closed")
    with transaction.atomic():
        ScoreSnapshot.objects.bulk_create(
            snapshots,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["user", "period_start"],
            update_fields=update_fields,
        )
    return snapshots


def _first_stale_monday(user_ids: Sequence[int], today: dt.date) -> dict[int, dt.date]:
    """Return, per user, the earliest week touched by events recorded since their last compute.

    Reads only new events: each person's latest `computed_at` comes from one grouped query over
    their snapshots, and the events are those recorded after the earliest of them (the
    `recorded_at` index), not every event a person ever had. People never scored have all of
    their events new (their earliest is one lookup on the (user, occurred_at) index).
    """
    last_computed = dict(
        ScoreSnapshot.objects.filter(user_id__in=user_ids).values("user_id").annotate(at=Max("computed_at"))
        .order_by().values_list("user_id", "at")
    )
    first_new_event: dict[int, dt.datetime] = {}
    if last_computed:
        for user_id, occurred_at, recorded_at in (
            UsageEvent.objects.filter(user_id__in=list(last_computed), recorded_at__gt=min(last_computed.values()))
            .values_list("user_id", "occurred_at", "recorded_at")
        ):
            if recorded_at > last_computed[user_id] and (
                user_id not in first_new_event or occurred_at < first_new_event[user_id]
            ):
                first_new_event[user_id] = occurred_at
    never_scored = [u for u in user_ids if u not in last_computed]
    if never_scored:
        first_new_event.update(
            UsageEvent.objects.filter(user_id__in=never_scored).values("user_id").annotate(first=Min("occurred_at"))
            .order_by().values_list("user_id", "first")
        )
    this_monday = week_start(today)
    earliest: dict[int, dt.date] = {}
    for user_id in user_ids:
        first = first_new_event.get(user_id)
        monday = week_start(timezone.localtime(first).date()) if first else this_monday
        earliest[user_id] = min(monday, this_monday)
    return earliest


def scores_refresh_users(*, user_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Recompute these users from the earliest week their new events touch through this week."""
    today = today or timezone.localdate()
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    return _scores_refresh_from(_first_stale_monday(ids, today), today)


def scores_refresh_marked(since_by_user: Mapping[int, dt.datetime], today: dt.date | None = None) -> int:
    """Refresh consumer of the usage log: recompute each person from their earliest new event's week.

    Reads only what the marks say (no scan of anyone's history to find what changed).
    """
    today = today or timezone.localdate()
    this_monday = week_start(today)
    first_mondays = {
        user_id: min(week_start(timezone.localtime(since).date()), this_monday)
        for user_id, since in since_by_user.items()
    }
    return _scores_refresh_from(first_mondays, today)


def refresh_horizon(today: dt.date) -> dt.date:
    """Return the oldest week a refresh scores at once; older weeks go to the history backfill."""
    return week_start(today) - dt.timedelta(weeks=MAX_BACKFILL_WEEKS)


def _scores_refresh_from(first_monday_by_user: Mapping[int, dt.date], today: dt.date) -> int:
    """Recompute each user from their first Monday through this week; return snapshots written.

    Weeks older than the refresh horizon (imported history) are handed to the history backfill,
    so one old import cannot hold up everyone else's fresh scores.
    """
    horizon = refresh_horizon(today)
    older = {user_id: monday for user_id, monday in first_monday_by_user.items() if monday < horizon}
    if older:
        history_backfill_request(first_monday_by_user=older)
    by_first_week: dict[dt.date, list[int]] = defaultdict(list)
    for user_id, monday in sorted(first_monday_by_user.items()):
        by_first_week[max(monday, horizon)].append(user_id)
    return sum(_scores_compute_weeks(group, first_monday, week_start(today))
               for first_monday, group in by_first_week.items())


def _scores_compute_weeks(
    user_ids: Sequence[int], first_monday: dt.date, last_monday: dt.date, *, chunk_weeks: int = MAX_BACKFILL_WEEKS
) -> int:
    """Score these users for every week from `first_monday` to `last_monday`, oldest weeks first.

    In chunks, so memory stays bounded however long the history; each chunk reads the scores
    the previous one stored (a status looks at the two weeks before it).
    """
    computed = 0
    weeks = (last_monday - first_monday).days // 7 + 1
    for start in range(0, weeks, chunk_weeks):
        mondays = [first_monday + dt.timedelta(weeks=i) for i in range(start, min(start + chunk_weeks, weeks))]
        # Later weeks' rolling windows include the changed week too.
        computed += len(scores_compute(user_ids=user_ids, mondays=mondays))
    return computed


def history_backfill_request(*, first_monday_by_user: Mapping[int, dt.date]) -> None:
    """Record that these people's weeks from the given Mondays still need scoring; keep the earliest.

    Written in the caller's transaction; the backfill job is asked to start after commit, and its
    periodic run finds the rows if the broker refused.
    """
    if not first_monday_by_user:
        return
    existing = dict(
        HistoryBackfill.objects.filter(user_id__in=list(first_monday_by_user)).values_list("user_id", "first_monday")
    )
    now = timezone.now()
    HistoryBackfill.objects.bulk_create(
        [
            HistoryBackfill(user_id=user_id, first_monday=min(monday, existing.get(user_id, monday)), requested_at=now)
            for user_id, monday in sorted(first_monday_by_user.items())
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["first_monday", "requested_at"],
    )
    task_enqueue_on_commit(BACKFILL_TASK)


def history_backfill_run(*, people: int = 200, today: dt.date | None = None) -> int:
    """Score the waiting history of up to `people` people, oldest request first; return snapshots written.

    Each person is scored from their first waiting week up to two weeks past the refresh
    horizon (those two weeks' statuses depend on the older scores), then their row is removed
    unless a newer request came in meanwhile. Safe to run twice or side by side: it only
    recomputes what the log says.
    """
    today = today or timezone.localdate()
    horizon = refresh_horizon(today)
    waiting = list(HistoryBackfill.objects.order_by("requested_at", "user_id")[:people])
    by_first_week: dict[dt.date, list[int]] = defaultdict(list)
    for row in waiting:
        by_first_week[row.first_monday].append(row.user_id)
    computed = sum(
        _scores_compute_weeks(group, first_monday, max(first_monday, horizon + dt.timedelta(weeks=1)))
        for first_monday, group in sorted(by_first_week.items())
    )
    done = Q()
    for row in waiting:
        done |= Q(user_id=row.user_id, first_monday=row.first_monday, requested_at=row.requested_at)
    if waiting:
        HistoryBackfill.objects.filter(done).delete()
    return computed


def history_backfill_waiting(*, user_ids: Sequence[int] | None = None) -> int:
    """Return how many people (of `user_ids`, or of everyone) still have older weeks waiting to be scored."""
    rows = HistoryBackfill.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return rows.count()


def scored_user_ids() -> list[int]:
    """Return everyone who has a role somewhere: the people a period close scores."""
    return list(Membership.objects.values_list("user_id", flat=True).distinct())


# The set-based close works in whole units of 1/6000 minute (0.01 s): capped seconds (× 100) and
# expected minutes (two decimals, × 6000) are whole numbers, so a week's sums are exact integers.
UNITS_PER_CENT = 60  # units in 0.01 minute
SNAPSHOT_UPSERT_ROWS = 1000  # 15 parameters a row: under SQLite's 32,766 bound parameters


def _cents(units: int) -> int:
    """Round units to hundredths of a minute, as `_q2` rounds the same minutes.

    No half-way case exists: 100 × seconds is 0, 20 or 40 modulo 60 and expected minutes are
    whole multiples of 60, so "nearest" is all a rounding mode decides here.
    """
    return (units + UNITS_PER_CENT // 2) // UNITS_PER_CENT


def _minutes(cents: int) -> Decimal:
    """Return cents of a minute as the two-decimal Decimal `_q2` gives for the same minutes."""
    return Decimal(cents).scaleb(-2) + 0


_HUNDREDTHS = [f"{part:02d}" for part in range(100)]


def _minutes_text(cents: int) -> str:
    """Return `str(_minutes(cents))` without building the Decimal ("-1.05", "0.00", "12.30")."""
    if cents < 0:
        whole, part = divmod(-cents, 100)
        return f"-{whole}.{_HUNDREDTHS[part]}"
    whole, part = divmod(cents, 100)
    return f"{whole}.{_HUNDREDTHS[part]}"


# One person's lines of one kind, flat, week after week of the close's weeks (oldest first):
# count, measured, units (give) or count, cents (get). A week without a line (or whose line was
# withdrawn to a count of 0) is all zeros: a line always has a count other than 0.
WeekLines = list[int]
GIVE_WIDTH, GET_WIDTH = 3, 2
PersonLines = dict[str, WeekLines]
_NO_LINES: PersonLines = {}


@dataclass
class _CloseInputs:
    give: dict[int, PersonLines] = field(default_factory=lambda: defaultdict(dict))
    get: dict[int, PersonLines] = field(default_factory=lambda: defaultdict(dict))
    stale: set[int] = field(default_factory=set)


def _close_inputs(
    *, user_ids: Sequence[int], mondays: Sequence[dt.date], scoring: Mapping[int, RoleScoring],
) -> _CloseInputs:
    """Return each person's give and get lines per kind and week (mondays oldest first), and the
    people whose rollups were counted under another entry cap (they are left to `scores_compute`).

    Three grouped queries over the id range of the batch: the rollups (one row per person and
    kind, one column per week), the withdrawn entries, the consumed deliveries.
    """
    lo, hi = user_ids[0], user_ids[-1]
    wanted = set(user_ids)
    start, end = period_for_monday(mondays[0]).start, period_for_monday(mondays[-1]).end
    week_of = {monday: k for k, monday in enumerate(mondays)}
    expected = _expected_minutes_by_role()
    tz = timezone.get_default_timezone()  # the rollups' day
    found = _CloseInputs()
    stale = found.stale

    per_entry: dict[tuple[int | None, str], int] = {}  # a role's units for an unmeasured entry, by kind

    def per_entry_units(role_id: int | None, kind: str) -> int:
        units = per_entry.get((role_id, kind))
        if units is None:
            minutes = expected.get((role_id, kind), GIVE_KIND_DEFAULT_MINUTES[kind])
            units = per_entry[(role_id, kind)] = int(minutes * 100) * UNITS_PER_CENT
        return units

    sums: dict[str, Any] = {}
    for k, monday in enumerate(mondays):
        in_week = Q(day__gte=monday, day__lte=monday + dt.timedelta(days=6))
        # As whole numbers: PostgreSQL sums a bigint column as numeric, which would arrive as Decimal.
        sums |= {f"e{k}": Sum("events", filter=in_week), f"m{k}": Sum("measured", filter=in_week),
                 f"c{k}": Cast(Sum("capped_seconds", filter=in_week), BigIntegerField())}
    week_columns = [f"{c}{k}" for k in range(len(mondays)) for c in "emc"]
    rollups = (
        DailyRollup.objects.filter(user_id__gte=lo, user_id__lte=hi, kind__in=GIVE_KINDS,
                                   day__gte=mondays[0], day__lte=mondays[-1] + dt.timedelta(days=6))
        .values("user_id", "kind")
        .annotate(cap_lo=Min("cap_seconds"), cap_hi=Max("cap_seconds"),
                  cap_unknown=Count("pk", filter=Q(cap_seconds__isnull=True)), **sums)
        .order_by()
        .values_list("user_id", "kind", "cap_lo", "cap_hi", "cap_unknown", *week_columns)
    )
    # Plain rows (no per-value converters): the sums are whole numbers or NULL.
    with connection.cursor() as cursor:
        cursor.execute(*rollups.query.sql_with_params())
        rows = cursor.fetchall()
    no_role = RoleScoring()
    for user_id, kind, cap_lo, cap_hi, cap_unknown, *figures in rows:
        if user_id not in wanted:
            continue
        role = scoring.get(user_id, no_role)
        if cap_unknown or cap_lo != role.entry_cap_seconds or cap_hi != role.entry_cap_seconds:
            stale.add(user_id)
            continue
        unmeasured = per_entry_units(role.role_id, kind)
        weeks: WeekLines = [0] * (GIVE_WIDTH * len(mondays))
        for k in range(0, GIVE_WIDTH * len(mondays), GIVE_WIDTH):
            events = figures[k]
            if events:
                measured = figures[k + 1]
                weeks[k:k + GIVE_WIDTH] = events, measured, 100 * figures[k + 2] + (events - measured) * unmeasured
        found.give[user_id][kind] = weeks
    # Rollups count every entry; a withdrawn or corrected entry counts through its correction only.
    withdrawn = (
        UsageEvent.objects.filter(user_id__gte=lo, user_id__lte=hi, kind__in=GIVE_KINDS, occurred_at__gte=start,
                                  occurred_at__lt=end)
        .withdrawn(since=start)
        .values_list("user_id", "kind", "occurred_at", "duration_seconds")
    )
    for user_id, kind, occurred_at, seconds in withdrawn:
        if user_id not in wanted or user_id in stale:
            continue
        role = scoring.get(user_id, no_role)
        units = (100 * min(seconds, role.entry_cap_seconds) if seconds is not None
                 else per_entry_units(role.role_id, kind))
        k = GIVE_WIDTH * week_of[week_start(timezone.localtime(occurred_at, tz).date())]
        weeks = found.give[user_id].setdefault(kind, [0] * (GIVE_WIDTH * len(mondays)))
        weeks[k] -= 1
        weeks[k + 1] -= int(seconds is not None)
        weeks[k + 2] -= units
        if weeks[k] == 0:  # no entry left that week: no line
            weeks[k:k + GIVE_WIDTH] = 0, 0, 0
    deliveries = (
        Delivery.objects.filter(user_id__gte=lo, user_id__lte=hi, consumed_at__gte=start, consumed_at__lt=end)
        .annotate(day=TruncDate("consumed_at", tzinfo=tz))
        .values("user_id", "kind", "day")
        .annotate(n=Count("id"), minutes=Sum("value_minutes"))
        .order_by()
    )
    for row in deliveries:
        if row["user_id"] not in wanted:
            continue
        weeks = found.get[row["user_id"]].setdefault(row["kind"], [0] * (GET_WIDTH * len(mondays)))
        k = GET_WIDTH * week_of[week_start(row["day"])]
        weeks[k] += row["n"]
        weeks[k + 1] += int((Decimal(row["minutes"] or 0) * 100).to_integral_value())
    return found


@dataclass(frozen=True)
class _WindowFigures:
    """One person's figures for one week: what `scores_compute` derives from its `WeekInputs`."""

    give_units: int  # the rolling window's, all kinds
    get_cents: int
    week_give_units: int  # the week's alone
    week_get_cents: int
    contributed: int
    components_give: str  # the JSON arrays `_components` stores, as `json.dumps` writes them
    components_get: str


_KIND_JSON: dict[str, str] = {}


def _kind_json(kind: str) -> str:
    text = _KIND_JSON.get(kind)
    if text is None:
        text = _KIND_JSON[kind] = json.dumps(kind)
    return text


def _window_figures(give: PersonLines, get: PersonLines, first: int, last: int) -> _WindowFigures:
    """Sum one person's lines over the weeks first..last (indexes, inclusive); `last` is the week.

    A kind is in the window when one of its weeks has a line, as `scores_compute` adds lines;
    the components are ordered as `_components` orders them (most minutes first, then kind).
    """
    give_units = week_give_units = contributed = 0
    give_items: list[tuple[int, str, int, int]] = []
    start, stop = GIVE_WIDTH * first, GIVE_WIDTH * (last + 1)
    for kind, weeks in give.items():
        counts = weeks[start:stop:GIVE_WIDTH]
        if not any(counts):
            continue
        count = sum(counts)
        units = sum(weeks[start + 2:stop:GIVE_WIDTH])
        give_units += units
        week_give_units += weeks[stop - 1]
        if kind in CONTRIBUTION_KINDS:
            contributed += count
        give_items.append((-_cents(units), kind, count, sum(weeks[start + 1:stop:GIVE_WIDTH])))
    get_cents = week_get_cents = 0
    get_items: list[tuple[int, str, int]] = []
    start, stop = GET_WIDTH * first, GET_WIDTH * (last + 1)
    for kind, weeks in get.items():
        counts = weeks[start:stop:GET_WIDTH]
        if not any(counts):
            continue
        cents = sum(weeks[start + 1:stop:GET_WIDTH])
        get_cents += cents
        week_get_cents += weeks[stop - 1]
        get_items.append((-cents, kind, sum(counts)))
    give_items.sort()
    get_items.sort()
    return _WindowFigures(
        give_units=give_units, get_cents=get_cents, week_give_units=week_give_units, week_get_cents=week_get_cents,
        contributed=contributed,
        components_give="[" + ", ".join([
            f'{{"kind": {_kind_json(kind)}, "count": {count}, "measured": {measured}, '
            f'"minutes": "{_minutes_text(-negative)}"}}'
            for negative, kind, count, measured in give_items]) + "]",
        components_get="[" + ", ".join([
            f'{{"kind": {_kind_json(kind)}, "count": {count}, "minutes": "{_minutes_text(-negative)}"}}'
            for negative, kind, count in get_items]) + "]",
    )


SNAPSHOT_COLUMNS = (
    "user_id", "period_start", "give_minutes", "get_minutes", "rolling_give_minutes", "rolling_get_minutes",
    "net_minutes", "nb_index", "score", "pulse_usefulness", "pulse_ease_of_use", "status", "components",
    "is_closed", "computed_at",
)


COPY_NULL = "\\N"


def _copy_line(row: Sequence[Any]) -> str:
    """Return a snapshot row (SNAPSHOT_COLUMNS) as a line of COPY's text format.

    Only the pulse answers can be NULL; the status and figures are plain text, and the JSON
    components never hold a tab or newline (JSON escapes them), so only "\\" needs doubling.
    """
    (user_id, period_start, give, get, rolling_give, rolling_get, net, index, score, pu, peou, status,
     components, is_closed, computed_at) = row
    if "\\" in components:
        components = components.replace("\\", "\\\\")
    return (f"{user_id}\t{period_start}\t{give}\t{get}\t{rolling_give}\t{rolling_get}\t{net}\t{index}\t{score}\t"
            f"{COPY_NULL if pu is None else pu}\t{COPY_NULL if peou is None else peou}\t{status}\t{components}\t"
            f"{'t' if is_closed else 'f'}\t{computed_at}\n")


class _LineReader:
    """A file for `copy_expert` that reads lines from an iterator as COPY asks for them, so the
    server parses one chunk while the next is being computed."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def read(self, size: int = -1) -> str:
        chunk: list[str] = []
        length = 0
        for line in self._lines:
            chunk.append(line)
            length += len(line)
            if 0 < size <= length:
                break
        return "".join(chunk)


def _snapshots_upsert(rows: Iterable[Sequence[Any]]) -> int:
    """Write snapshot rows (SNAPSHOT_COLUMNS, adapted; figures as text, components as JSON text)
    set-based, in one transaction; return how many. `rows` may be a generator (it runs while
    the rows are sent, so it must not query the database itself).

    PostgreSQL: `COPY` into a temporary table, then one INSERT … SELECT … ON CONFLICT DO UPDATE.
    Elsewhere: one INSERT … VALUES … ON CONFLICT DO UPDATE per 1,000 rows. A stored row keeps
    `is_closed` when the new one is open (only a close sets it, as `scores_compute` does).
    """
    written = 0

    def counted(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    quote = connection.ops.quote_name
    table = quote(ScoreSnapshot._meta.db_table)
    columns = ", ".join(quote(c) for c in SNAPSHOT_COLUMNS)
    closed = quote("is_closed")
    on_conflict = (f"ON CONFLICT ({quote('user_id')}, {quote('period_start')}) DO UPDATE SET "
                   + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in SNAPSHOT_COLUMNS[2:] if c != "is_closed")
                   + f", {closed} = {table}.{closed} OR excluded.{closed}")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMPORARY TABLE scoring_close_rows ON COMMIT DROP AS "  # noqa: S608 - ours
                           f"SELECT {columns} FROM {table} WITH NO DATA")
            cursor.cursor.copy_expert(f"COPY scoring_close_rows ({columns}) FROM STDIN",
                                      _LineReader(map(_copy_line, counted(rows))), size=1 << 16)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM scoring_close_rows "  # noqa: S608
                           f"{on_conflict}")
            cursor.execute("DROP TABLE scoring_close_rows")
            return written
        row_sql = "(" + ", ".join(["%s"] * len(SNAPSHOT_COLUMNS)) + ")"
        remaining = counted(rows)
        while chunk := list(itertools.islice(remaining, SNAPSHOT_UPSERT_ROWS)):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "  # noqa: S608 - ours
                f"{on_conflict}",
                [value for row in chunk for value in row],
            )
    return written


def _period_close_batch(user_ids: Sequence[int], monday: dt.date) -> int:
    """Close `monday` and open the week after for these people (ids ascending); return snapshots written.

    The same figures as `scores_compute` for each week in turn, read with a few grouped queries
    and written with one set-based upsert: whole-unit integer sums instead of Decimal lines, the
    equation itself (`equation.py`) applied to each person's two-decimal totals.
    """
    next_monday = monday + dt.timedelta(weeks=1)
    first_needed = monday - dt.timedelta(weeks=ROLLING_WEEKS - 1)
    all_mondays = [first_needed + dt.timedelta(weeks=i) for i in range(ROLLING_WEEKS + 1)]
    scoring = role_scoring_of(user_ids, id_range=True)
    found = _close_inputs(user_ids=user_ids, mondays=all_mondays, scoring=scoring)
    fresh = [u for u in user_ids if u not in found.stale]
    pulses = _pulse_answers(fresh, period_for_monday(monday).end, period_for_monday(next_monday).end, id_range=True)
    history: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for user_id, week, value in ScoreSnapshot.objects.filter(
        user_id__gte=user_ids[0], user_id__lte=user_ids[-1],
        period_start__gte=monday - dt.timedelta(weeks=2), period_start__lt=monday,
    ).values_list("user_id", "period_start", "score"):
        history[user_id][week] = value
    weeks = [(monday, True), (next_monday, False)]
    pending = [accepted_pending_counts(
        user_ids=fresh, start=period_for_monday(week - dt.timedelta(weeks=ROLLING_WEEKS - 1)).start,
        end=period_for_monday(week).end) for week, _ in weeks]
    no_role = RoleScoring()
    computed_at = connection.ops.adapt_datetimefield_value(timezone.now())

    def rows() -> Iterator[tuple[Any, ...]]:
        """Each person's closed week, then each person's week after (its status reads the close)."""
        for last, ((week, close), pending_of) in enumerate(zip(weeks, pending, strict=True), start=ROLLING_WEEKS - 1):
            first = last - (ROLLING_WEEKS - 1)
            period_end = period_for_monday(week).end
            period_start = connection.ops.adapt_datefield_value(week)
            two_before, one_before = week - dt.timedelta(weeks=2), week - dt.timedelta(weeks=1)
            for user_id in fresh:
                figures = _window_figures(found.give.get(user_id, _NO_LINES), found.get.get(user_id, _NO_LINES),
                                          first, last)
                give_cents = _cents(figures.give_units)
                give, get = _minutes(give_cents), _minutes(figures.get_cents)
                index = equation.nb_index(give=give, get=get)
                answers = pulses.get(user_id)
                pu, peou = _latest_pulse(answers, period_end) if answers else (None, None)
                value = equation.score(index=index, usefulness=pu, ease_of_use=peou,
                                       pulse_weight=scoring.get(user_id, no_role).pulse_weight)
                earlier = history[user_id]
                previous = [earlier[m] for m in (two_before, one_before) if m in earlier]
                earlier[week] = value
                status = equation.status(give=give, get=get, contributed=figures.contributed,
                                         recent_scores=[*previous, value])
                # The components `_components` stores, written as `json.dumps` writes that dict.
                components = (f'{{"contributed": {figures.contributed}, '
                              f'"accepted_pending": {pending_of.get(user_id, 0)}, '
                              f'"give": {figures.components_give}, "get": {figures.components_get}}}')
                yield (user_id, period_start, _minutes_text(_cents(figures.week_give_units)),
                       _minutes_text(figures.week_get_cents), _minutes_text(give_cents),
                       _minutes_text(figures.get_cents), _minutes_text(figures.get_cents - give_cents),
                       str(index), str(value), pu, peou, status, components, close, computed_at)

    written = _snapshots_upsert(rows())
    if found.stale:
        # Counted under another cap: `scores_compute` recounts them first (rare: a cap just changed).
        ordered = sorted(found.stale)
        written += len(scores_compute(user_ids=ordered, mondays=[monday], close=True))
        written += len(scores_compute(user_ids=ordered, mondays=[next_monday]))
    return written


def period_close(*, monday: dt.date, batch_size: int = 2000) -> int:
    """Close the week starting `monday` for everyone and open the following week.

    Everyone gets a snapshot, inactive people included, so trends and shares have no gaps.
    Set-based per batch of people (`_period_close_batch`); the figures are those
    `scores_compute` stores for each person and week (tests/scoring/test_period_close.py).
    """
    user_ids = sorted(scored_user_ids())
    total = 0
    for start in range(0, len(user_ids), batch_size):
        total += _period_close_batch(user_ids[start : start + batch_size], monday)
    return total


def stale_user_ids() -> list[int]:
    """Return users with events or consumed gets newer than their latest snapshot."""
    latest = ScoreSnapshot.objects.filter(user_id=OuterRef("pk")).order_by("-computed_at").values("computed_at")[:1]
    return list(
        User.objects.annotate(last_computed=Subquery(latest))
        .filter(
            Exists(UsageEvent.objects.filter(user_id=OuterRef("pk"), recorded_at__gt=OuterRef("last_computed")))
            | Exists(Delivery.objects.filter(user_id=OuterRef("pk"), consumed_at__gt=OuterRef("last_computed")))
            | (Q(last_computed__isnull=True) & Exists(UsageEvent.objects.filter(user_id=OuterRef("pk"))))
        )
        .values_list("pk", flat=True)
    )

