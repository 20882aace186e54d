"""Per-stage time series as inline SVG line charts (no scripts, no external assets)."""

from __future__ import annotations

from html import escape
from typing import Mapping, Sequence

#: One colour per stage, in flow order; the same in the charts and the stage table.
STAGE_COLOURS = {
    "normalize": "#1f77b4",
    "dedup": "#ff7f0e",
    "entities": "#2ca02c",
    "quotes": "#d62728",
    "sink": "#9467bd",
}
FALLBACK_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def colour_of(name: str, index: int) -> str:
    """The colour of a series."""
    return STAGE_COLOURS.get(name, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    scale = 1.0
    while scale * 10 < value:
        scale *= 10
    while scale > value:
        scale /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= value:
            return step * scale
    return 10 * scale


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"


def line_chart(
    title: str,
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    unit: str = "",
    window_s: float = 240.0,
    now: float | None = None,
    width: int = 460,
    height: int = 180,
) -> str:
    """An SVG chart of `series` ({name: [(unix time, value)]}) over the last `window_s` seconds.

    Each series is one `<polyline class="series" data-series=NAME>`; the y axis starts at 0.
    """
    left, right, top, bottom = 44, 10, 38, 22
    pw, ph = width - left - right, height - top - bottom
    points_all = [p for pts in series.values() for p in pts]
    t_end = now if now is not None else max((t for t, _ in points_all), default=0.0)
    t_start = t_end - window_s
    y_max = nice_max(max((v for t, v in points_all if t >= t_start), default=0.0))

    def xy(t: float, v: float) -> str:
        x = left + pw * (t - t_start) / window_s if window_s else left
        y = top + ph * (1 - min(v, y_max) / y_max)
        return f"{x:.1f},{y:.1f}"

    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text class="chart-title" x="{left}" y="15">{escape(title)}</text>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + ph * (1 - frac)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(y_max * frac)}</text>')
    out.append(f'<text class="tick" x="{left}" y="{height - 6}">-{int(window_s)}s</text>')
    out.append(f'<text class="tick" x="{left + pw}" y="{height - 6}" text-anchor="end">now {escape(unit)}</text>')
    legend_x = left + 4
    for i, (name, pts) in enumerate(series.items()):
        colour = colour_of(name, i)
        visible = [(t, v) for t, v in pts if t >= t_start]
        if len(visible) == 1:
            visible = visible * 2
        coords = " ".join(xy(t, v) for t, v in visible)
        out.append(
            f'<polyline class="series" data-series="{escape(name)}" fill="none" stroke="{colour}" '
            f'stroke-width="2" points="{coords}"/>'
        )
        latest = _fmt(visible[-1][1]) if visible else "–"
        out.append(f'<text class="legend" x="{legend_x}" y="31" fill="{colour}">{escape(name)} {latest}</text>')
        legend_x += 7 * (len(name) + len(latest)) + 22
    out.append("</svg>")
    return "".join(out)
