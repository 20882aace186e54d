"""SVG charts of the search pages: counts per day or week, and a story's copies on a timeline.

Inline SVG, no scripts and no external assets, styled like the dashboard's charts (same classes).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Sequence

from newsflow.web.dashboard.charts import FALLBACK_COLOURS, nice_max

BAR_COLOUR = "#1f77b4"
MIN_SLOTS = (
    7  # a chart of fewer buckets keeps this many slots, its bars in the middle (no one bar as wide as the chart)
)
MAX_BAR_W = 48.0
PAD = timedelta(hours=1)  # a timeline whose copies share one time spans this much either side of it


def bar_chart(title: str, buckets: Sequence[tuple[str, int]], *, width: int = 640, height: int = 200) -> str:
    """Counts per bucket (`[(label such as 2024-03-04, count)]`, oldest first) as SVG bars.

    Each bar is a `<rect class="bar" data-start=LABEL data-count=N>` with a tooltip; the y axis starts at 0.
    Fewer than MIN_SLOTS buckets stand in the middle of that many slots, bars at most MAX_BAR_W wide; the first
    and last bucket are named under their bars (one bucket: once).
    """
    left, right, top, bottom = 40, 10, 26, 34
    pw, ph = width - left - right, height - top - bottom
    y_max = nice_max(max((c for _, c in buckets), default=0))
    out = [
        f'<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text class="chart-title" x="{left}" y="15">{escape(title)}</text>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + ph * (1 - frac)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}"/>')
        if (y_max * frac).is_integer():  # counts are whole: no "0.5" on an axis up to 1
            out.append(f'<text class="tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{y_max * frac:.0f}</text>')
    slots = max(MIN_SLOTS, len(buckets))
    slot = pw / slots
    bar_w = min(MAX_BAR_W, max(1.0, slot * 0.8))
    first = (slots - len(buckets)) // 2  # the buckets' first slot: centred when fewer than MIN_SLOTS
    centres = []
    for i, (label, count) in enumerate(buckets):
        h = ph * count / y_max
        centre = left + (first + i + 0.5) * slot
        centres.append(centre)
        out.append(
            f'<rect class="bar" data-start="{escape(label)}" data-count="{count}" x="{centre - bar_w / 2:.1f}" '
            f'y="{top + ph - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
    ends = [(0, "start" if len(buckets) >= MIN_SLOTS else "middle")]
    if len(buckets) > 1:
        ends.append((len(buckets) - 1, "end" if len(buckets) >= MIN_SLOTS else "middle"))
    for i, anchor in ends if buckets else ():
        x = {"start": left, "end": left + pw, "middle": centres[i]}[anchor]
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 8}" text-anchor="{anchor}">{escape(buckets[i][0])}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def timeline(
    title: str, points: Sequence[tuple[datetime, str, str]], *, width: int = 760, first: str | None = None
) -> str:
    """A story's copies (`[(time, outlet, article id)]`, in the order they appeared) on one time axis.

    Each copy is a `<circle class="copy" data-id=ARTICLE>` with its outlet beside it, one row per copy;
    the story's first copy (`first`, an article id; default: the first point) is marked `first`. Copies that share one time (or a single copy) stand in the middle of an
    axis of PAD either side of it, not on its left edge.
    """
    left, right, top, row = 12, 12, 30, 22
    height = top + row * max(1, len(points)) + 26
    pw = width - left - right - 260
    times = [t for t, _, _ in points]
    t0, t1 = (min(times), max(times)) if times else (datetime(1970, 1, 1), datetime(1970, 1, 1))
    if t0 == t1:
        t0, t1 = (t0 - PAD, t1 + PAD) if datetime.min + PAD <= t0 <= datetime.max - PAD else (t0, t1)
    span = (t1 - t0).total_seconds() or 1.0
    out = [
        f'<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text class="chart-title" x="{left}" y="15">{escape(title)}</text>',
        f'<line class="grid" x1="{left}" y1="{height - 22}" x2="{left + pw}" y2="{height - 22}"/>',
    ]
    outlets: dict[str, str] = {}
    for i, (t, outlet, article_id) in enumerate(points):
        colour = outlets.setdefault(outlet, FALLBACK_COLOURS[len(outlets) % len(FALLBACK_COLOURS)])
        x = left + pw * (t - t0).total_seconds() / span
        y = top + row * i + row / 2
        cls = "copy first" if article_id == (first if first is not None else points[0][2]) else "copy"
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{height - 22}"/>'
            f'<circle class="{cls}" data-id="{escape(article_id)}" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}">'
            f"<title>{escape(outlet)} {t.isoformat(sep=' ', timespec='minutes')}</title></circle>"
            f'<text class="legend" x="{left + pw + 12}" y="{y + 4:.1f}">'
            f"{escape(outlet)} · {t.isoformat(sep=' ', timespec='minutes')}</text>"
        )
    if points:
        out.append(f'<text class="tick" x="{left}" y="{height - 6}">{t0.isoformat(sep=" ", timespec="minutes")}</text>')
        out.append(
            f'<text class="tick" x="{left + pw}" y="{height - 6}" text-anchor="end">'
            f"{t1.isoformat(sep=' ', timespec='minutes')}</text>"
        )
    out.append("</svg>")
    return "".join(out)


__all__ = ["bar_chart", "timeline"]
