"""Closed-loop figures from grouped rows, without the database."""

from decimal import Decimal

from apps.campaigns.figures import StageRow, campaign_figures, roi, win_rate

OPEN_STAGES = [(1, "Lead"), (2, "Meeting"), (3, "Proposal")]


def row(stage_id, deals, amount, *, won=False, lost=False):
    return StageRow(stage_id=stage_id, stage_name=str(stage_id), order=stage_id, is_won=won, is_lost=lost,
                    deals=deals, amount=Decimal(amount))


def test_win_rate_is_won_out_of_closed_and_undefined_before_any_close():
    assert win_rate(won=3, lost=1) == Decimal("75.0")
    assert win_rate(won=0, lost=2) == Decimal("0.0")
    assert win_rate(won=0, lost=0) is None


def test_roi_is_return_on_budget_and_undefined_without_budget():
    assert roi(revenue=Decimal("150"), budget=Decimal("100")) == Decimal("50.0")
    assert roi(revenue=Decimal("0"), budget=Decimal("100")) == Decimal("-100.0")
    assert roi(revenue=Decimal("500"), budget=Decimal("0")) is None


def test_campaign_figures_split_open_pipeline_won_and_lost():
    figures = campaign_figures(
        rows=[row(1, 2, "300"), row(3, 1, "50"), row(90, 2, "1000", won=True), row(91, 1, "70", lost=True)],
        open_stages=OPEN_STAGES, budget=Decimal("400"),
    )
    assert [(s.name, s.deals, s.amount) for s in figures.pipeline] == [
        ("Lead", 2, Decimal("300")), ("Meeting", 0, Decimal("0")), ("Proposal", 1, Decimal("50"))]
    assert (figures.deals, figures.pipeline_deals, figures.pipeline_amount) == (6, 3, Decimal("350"))
    assert (figures.won_deals, figures.won_revenue, figures.lost_deals, figures.lost_amount) == (
        2, Decimal("1000"), 1, Decimal("70"))
    assert figures.win_rate == Decimal("66.7")
    assert figures.roi == Decimal("150.0")


def test_rows_of_several_campaigns_in_one_stage_are_added_up():
    figures = campaign_figures(rows=[row(1, 2, "300"), row(1, 1, "100")], open_stages=OPEN_STAGES,
                               budget=Decimal("0"))
    assert figures.pipeline[0].deals == 3
    assert figures.pipeline[0].amount == Decimal("400")
    assert figures.roi is None
    assert figures.win_rate is None


def test_a_campaign_without_deals_has_zero_figures():
    figures = campaign_figures(rows=[], open_stages=OPEN_STAGES, budget=Decimal("100"))
    assert figures.deals == 0
    assert figures.pipeline_amount == Decimal("0")
    assert figures.roi == Decimal("-100.0")
