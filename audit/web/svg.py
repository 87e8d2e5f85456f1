"""Charts for the dashboard, drawn on the server as SVG (no script, no style attribute: the
Content-Security-Policy allows neither). Each takes numbers and labels and returns markup whose
every label is escaped; each has a title and a text alternative for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

INK, MUTED, GRID = "#1b2430", "#5b6b7d", "#d3dce6"
RATING = {
    "low": "#2f855a",
    "moderate": "#b7791f",
    "high": "#c05621",
    "critical": "#9b2c2c",
    "not assessed": "#7b8794",
}
SEVERITY = {"critical": "#9b2c2c", "high": "#c05621", "medium": "#b7791f", "low": "#4a5568"}


def _frame(width: int, height: int, title: str, body: str) -> Markup:
    # Every label in `body` and `title` is escaped where it is written: the markup is ours.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def bars(title: str, rows: Sequence[tuple[str, float, str]], *, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value, colour), scaled to the largest value."""
    height = 26 * len(rows) + 10
    width, left, right = 520, 170, 60
    largest = max((v for _, v, _ in rows), default=0) or 1
    parts = []
    for index, (label, value, colour) in enumerate(rows):
        y = 8 + 26 * index
        length = (width - left - right) * value / largest
        shown = f"{value:,.0f}{unit}" if value == int(value) else f"{value:,.1f}{unit}"
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="18" fill="{colour}" rx="2"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 14}" font-size="12" fill="{MUTED}">'
            f"{escape(shown)}</text>"
        )
    return _frame(width, height, title, "".join(parts))


def trend(title: str, points: Sequence[tuple[str, float, str]]) -> Markup:
    """Scores out of 100 over runs: (label, score, rating) in order, each dot in its rating's
    colour."""
    width, height, left, bottom, top, inset = 520, 200, 36, 34, 12, 48
    plot_w, plot_h = width - left - 20, height - top - bottom
    grid = "".join(
        f'<line x1="{left}" x2="{width - 20}" y1="{top + plot_h * (1 - v / 100):.1f}" '
        f'y2="{top + plot_h * (1 - v / 100):.1f}" stroke="{GRID}"/>'
        f'<text x="{left - 6}" y="{top + plot_h * (1 - v / 100) + 4:.1f}" text-anchor="end" '
        f'font-size="11" fill="{MUTED}">{v}</text>'
        for v in (0, 25, 50, 75, 100)
    )
    if not points:
        return _frame(width, height, title, grid)
    # the first and last dots sit `inset` inside the plot, so that their labels fit
    step = (plot_w - 2 * inset) / max(1, len(points) - 1)
    xy = [
        (
            left + inset + (step * i if len(points) > 1 else (plot_w - 2 * inset) / 2),
            top + plot_h * (1 - s / 100),
        )
        for i, (_, s, _) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{RATING.get(rating, INK)}">'
        f"<title>{escape(label)}: {score:.1f} ({escape(rating)})</title></circle>"
        f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" font-size="11" '
        f'fill="{MUTED}">{escape(label)}</text>'
        for (x, y), (label, score, rating) in zip(xy, points, strict=True)
    )
    path = f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>'
    return _frame(width, height, title, grid + path + dots)
