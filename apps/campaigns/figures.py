"""Closed-loop campaign figures computed from grouped rows: pure functions, no database."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class StageRow:
    """Deals of one campaign in one stage: how many and their summed amount."""

    stage_id: int
    stage_name: str
    order: int
    is_won: bool
    is_lost: bool
    deals: int
    amount: Decimal


@dataclass(frozen=True)
class PipelineStage:
    stage_id: int
    name: str
    deals: int
    amount: Decimal


@dataclass(frozen=True)
class CampaignFigures:
    deals: int
    pipeline: list[PipelineStage]
    pipeline_deals: int
    pipeline_amount: Decimal
    won_deals: int
    won_revenue: Decimal
    lost_deals: int
    lost_amount: Decimal
    win_rate: Decimal | None  # percent of closed deals that were won; None before any closed
    budget: Decimal
    roi: Decimal | None  # percent return on the budget; None when there was no budget


def win_rate(*, won: int, lost: int) -> Decimal | None:
    """Return the percentage of closed deals that were won, or None when none is closed."""
    closed = won + lost
    if closed == 0:
        return None
    return (Decimal(won) * 100 / closed).quantize(Decimal("0.1"))


def roi(*, revenue: Decimal, budget: Decimal) -> Decimal | None:
    """Return (revenue − budget) / budget in percent, or None when nothing was spent."""
    if budget <= 0:
        return None
    return ((revenue - budget) * 100 / budget).quantize(Decimal("0.1"))


def campaign_figures(
    *, rows: Iterable[StageRow], open_stages: Iterable[tuple[int, str]], budget: Decimal
) -> CampaignFigures:
    """Return a campaign's figures from its per-stage rows; every open stage appears in the pipeline."""
    rows = list(rows)
    # Rows of several campaigns may share a stage (the all-campaigns total): add them up.
    open_deals: dict[int, int] = {}
    open_amount: dict[int, Decimal] = {}
    for r in rows:
        if not (r.is_won or r.is_lost):
            open_deals[r.stage_id] = open_deals.get(r.stage_id, 0) + r.deals
            open_amount[r.stage_id] = open_amount.get(r.stage_id, Decimal("0")) + r.amount
    pipeline = [
        PipelineStage(
            stage_id=stage_id,
            name=name,
            deals=open_deals.get(stage_id, 0),
            amount=open_amount.get(stage_id, Decimal("0")),
        )
        for stage_id, name in open_stages
    ]
    won = [r for r in rows if r.is_won]
    lost = [r for r in rows if r.is_lost]
    won_deals = sum(r.deals for r in won)
    lost_deals = sum(r.deals for r in lost)
    won_revenue = sum((r.amount for r in won), Decimal("0"))
    return CampaignFigures(
        deals=sum(r.deals for r in rows),
        pipeline=pipeline,
        pipeline_deals=sum(open_deals.values()),
        pipeline_amount=sum(open_amount.values(), Decimal("0")),
        won_deals=won_deals,
        won_revenue=won_revenue,
        lost_deals=lost_deals,
        lost_amount=sum((r.amount for r in lost), Decimal("0")),
        win_rate=win_rate(won=won_deals, lost=lost_deals),
        budget=budget,
        roi=roi(revenue=won_revenue, budget=budget),
    )
