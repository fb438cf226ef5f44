"""Charts are accessible images whose labels follow the active language."""

from django.utils import translation

from apps.core.charts import Point, bar_chart, line_chart, sparkline


def test_bar_chart_labels_numbers_in_the_active_language() -> None:
    bars = [Point("Won", 1_250_000), Point("Open", 2.5)]
    with translation.override("en"):
        english = bar_chart(bars, title="Pipeline")
    with translation.override("da"):
        danish = bar_chart(bars, title="Pipeline")
    assert "1,250,000" in english
    assert "2.5" in english
    assert "1.250.000" in danish
    assert "2,5" in danish
    assert 'role="img"' in english
    assert "<title>Pipeline</title>" in english


def test_line_chart_breaks_the_line_at_a_missing_week_instead_of_dropping_to_zero() -> None:
    svg = line_chart([Point("1/1", 40), Point("8/1", None), Point("15/1", 60)], title="Score")
    assert svg.count("<polyline") == 2


def test_labels_are_escaped() -> None:
    assert "<script>" not in bar_chart([Point("<script>", 1)], title="x")
    assert "<script>" not in sparkline([1, 2], title="<script>")
