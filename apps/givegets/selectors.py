"""Reading Give-Get contracts and whether they are honoured."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from apps.core.periods import week_start
from apps.givegets.models import ContractStatus, ContractStatusKind, GiveGetContract

User = get_user_model()


# --- Stored weekly statuses (written by contract_statuses_refresh) --------------------------


@dataclass(frozen=True)
class ContractWeekRow:
    """A contract with this week's stored counts and its honoured share per week."""

    contract: GiveGetContract
    honoured: int
    broken: int
    not_giving: int
    weekly_share: list[float | None]

    @property
    def people(self) -> int:
        return self.honoured + self.broken + self.not_giving

    @property
    def honoured_pct(self) -> float | None:
        return honoured_share(honoured=self.honoured, broken=self.broken)


@dataclass(frozen=True)
class ContractsOverview:
    rows: list[ContractWeekRow]
    mondays: list[dt.date]
    weekly_share: list[float | None]
    weekly_honoured: list[int]
    weekly_broken: list[int]


@dataclass(frozen=True)
class ContractWeeks:
    """The weeks a contract figure is based on: settled ones, and the one still in progress.

    A week is settled once it has ended: until then a promise not yet kept is not broken (the
    weekly digest comes on Monday), so the week in progress is never counted as broken.
    """

    settled: list[dt.date]  # oldest first, ending with the last settled week
    in_progress: dt.date

    @property
    def last_settled(self) -> dt.date:
        return self.settled[-1]


def contract_weeks(*, today: dt.date, weeks: int) -> ContractWeeks:
    """Return the last `weeks` settled weeks before `today`'s week, and `today`'s week in progress."""
    this_monday = week_start(today)
    return ContractWeeks(
        settled=[this_monday - dt.timedelta(weeks=i) for i in range(weeks, 0, -1)], in_progress=this_monday
    )


def honoured_share(*, honoured: int, broken: int) -> float | None:
    """Return the percentage of givers whose promise was kept; None when nobody gave."""
    givers = honoured + broken
    return 100 * honoured / givers if givers else None


def _status_counts(statuses: QuerySet[ContractStatus], *group_by: str) -> QuerySet[Any]:
    return statuses.values(*group_by).annotate(
        honoured=Count("pk", filter=Q(status=ContractStatusKind.HONOURED)),
        broken=Count("pk", filter=Q(status=ContractStatusKind.BROKEN)),
        not_giving=Count("pk", filter=Q(status=ContractStatusKind.NOT_GIVING)),
    ).order_by()


def contracts_overview(
    *, organisation_id: int, mondays: list[dt.date], user_ids: QuerySet[Any] | None = None
) -> ContractsOverview:
    """Return the organisation's contracts with stored counts, roles with broken promises first.

    `mondays` are oldest first; the counts per row are those of the last week. With
    `user_ids` (a manager's people) only those people are counted. One grouped query.
    """
    contracts = list(
        GiveGetContract.objects.filter(role__organisation_id=organisation_id).select_related("role")
    )
    statuses = ContractStatus.objects.filter(contract__in=[c.pk for c in contracts], period_start__in=mondays)
    if user_ids is not None:
        statuses = statuses.filter(user_id__in=user_ids)
    grid: dict[tuple[int, dt.date], dict[str, int]] = {
        (row["contract_id"], row["period_start"]): row
        for row in _status_counts(statuses, "contract_id", "period_start")
    }
    empty = {"honoured": 0, "broken": 0, "not_giving": 0}
    this_week = mondays[-1]
    rows = []
    for contract in contracts:
        current = grid.get((contract.pk, this_week), empty)
        rows.append(ContractWeekRow(
            contract=contract,
            honoured=current["honoured"], broken=current["broken"], not_giving=current["not_giving"],
            weekly_share=[
                honoured_share(honoured=grid.get((contract.pk, m), empty)["honoured"],
                               broken=grid.get((contract.pk, m), empty)["broken"])
                for m in mondays
            ],
        ))
    broken_by_role: dict[int, int] = {}
    for row in rows:
        if row.contract.is_active:
            broken_by_role[row.contract.role_id] = broken_by_role.get(row.contract.role_id, 0) + row.broken
    rows.sort(key=lambda r: (
        not r.contract.is_active, -broken_by_role.get(r.contract.role_id, 0), r.contract.role.name, -r.broken,
        r.contract.pk,
    ))
    active_ids = {c.pk for c in contracts if c.is_active}
    weekly_honoured = [sum(grid.get((cid, m), empty)["honoured"] for cid in active_ids) for m in mondays]
    weekly_broken = [sum(grid.get((cid, m), empty)["broken"] for cid in active_ids) for m in mondays]
    return ContractsOverview(
        rows=rows,
        mondays=mondays,
        weekly_share=[
            honoured_share(honoured=h, broken=b) for h, b in zip(weekly_honoured, weekly_broken, strict=True)
        ],
        weekly_honoured=weekly_honoured,
        weekly_broken=weekly_broken,
    )


@dataclass(frozen=True)
class OwnContract:
    """A contract of the person's role and their stored status on it this week (None if not yet classified)."""

    contract: GiveGetContract
    status: ContractStatus | None
    last_week_status: ContractStatus | None = None


def own_contracts(*, user_id: int, role_id: int, monday: dt.date) -> list[OwnContract]:
    """Return the active contracts of the person's role with their status this week and last week.

    Early in a week nothing has been given or delivered yet; last week's settled status is what
    tells the person whether the promise was kept.
    """
    contracts = list(GiveGetContract.objects.filter(role_id=role_id, is_active=True).order_by("pk"))
    last_monday = monday - dt.timedelta(weeks=1)
    statuses = {
        (s.contract_id, s.period_start): s
        for s in ContractStatus.objects.filter(
            user_id=user_id, period_start__in=[monday, last_monday], contract__in=contracts
        )
    }
    return [
        OwnContract(
            contract=c, status=statuses.get((c.pk, monday)), last_week_status=statuses.get((c.pk, last_monday))
        )
        for c in contracts
    ]
