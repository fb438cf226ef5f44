"""Small, dependency-free SVG charts rendered on the server.

Each chart is an accessible image (role="img" with a title) and the pages show the same
numbers as text or a table beside it, so nothing depends on seeing the picture.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal


@dataclass(frozen=True)
class Point:
    label: str
    value: Number | None


def _number(value: float) -> str:
    """Format a figure for a chart label in the active language: large ones grouped, small as they are."""
    if abs(value) >= 10_000:
        return formats.number_format(round(value), force_grouping=True)
    return formats.number_format(Decimal(f"{value:g}"))


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    y_min: Number = 0,
    y_max: Number = 100,
    width: int = 480,
    height: int = 160,
    reference: Number | None = None,
) -> SafeString:
    """Return an SVG line chart; missing values break the line instead of dropping to zero."""
    pad_l, pad_r, pad_t, pad_b = 32, 20, 10, 22
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    span = float(y_max) - float(y_min) or 1.0
    step = inner_w / max(len(points) - 1, 1)

    def y_of(v: Number) -> float:
        return pad_t + inner_h - (float(v) - float(y_min)) / span * inner_h

    parts: list[str] = []
    for tick in (y_min, (float(y_min) + float(y_max)) / 2, y_max):
        y = y_of(tick)
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" class="chart-grid"/>')
        parts.append(
            f'<text x="{pad_l - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">{float(tick):g}</text>'
        )
    if reference is not None:
        y = y_of(reference)
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" class="chart-reference"/>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, point in enumerate(points):
        x = pad_l + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" class="chart-axis">{escape(point.label)}</text>'
        )
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = y_of(point.value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="chart-dot"><title>{escape(point.label)}: '
            f"{float(point.value):g}</title></circle>"
        )
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.insert(0, f'<polyline points="{" ".join(seg)}" class="chart-line" fill="none"/>')
    body = "".join(parts)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width, height, title, title, mark_safe(body),  # noqa: S308 - built from escaped parts
    )


def sparkline(values: Sequence[Number | None], *, title: str, y_min: Number = 0, y_max: Number = 100) -> SafeString:
    """Return a small trend line for tables."""
    width, height = 96, 24
    span = float(y_max) - float(y_min) or 1.0
    step = width / max(len(values) - 1, 1)
    coords = [
        f"{i * step:.1f},{height - (float(v) - float(y_min)) / span * height:.1f}"
        for i, v in enumerate(values)
        if v is not None
    ]
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<title>{}</title><polyline points="{}" fill="none" class="chart-line"/></svg>',
        width, height, width, height, title, title, " ".join(coords),
    )


def bar_chart(
    bars: Sequence[Point], *, title: str, max_value: Number | None = None, unit: str = "", width: int = 480
) -> SafeString:
    """Return a horizontal bar chart, one labelled bar per point."""
    row_h, label_w = 22, 160
    top = float(max_value) if max_value is not None else max([float(b.value or 0) for b in bars] + [1.0])
    height = row_h * len(bars) + 4
    parts = []
    for i, bar in enumerate(bars):
        value = float(bar.value or 0)
        w = (width - label_w - 60) * (value / top if top else 0)
        y = i * row_h + 2
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="chart-axis">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" class="chart-bar"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="chart-axis">{_number(value)}{escape(unit)}</text>'
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width, height, title, title, mark_safe("".join(parts)),  # noqa: S308 - built from escaped parts
    )
