"""The portfolio report for the risk committee: lays a `PortfolioReport` out as pages.

The first pages read the same for eight vendors or ten thousand: the matrix, the distribution of
scores, the vendors that need attention, what is overdue, findings by age and the largest
concentrations, each list cut at `SUMMARY_ROWS` with a pointer to the appendix that gives it
whole. The appendices lay out as one-line rows, so thousands of vendors take seconds."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer

from audit.report import charts
from audit.report.layout import (
    CONTENT_WIDTH,
    build_pdf,
    coloured,
    key_values,
    listing,
    markup,
    table,
    text,
)
from audit.report.portfolio_view import PortfolioReport, PortfolioVendor
from audit.report.styles import RATING_COLOURS, SEVERITY_COLOURS
from audit.report.view import TIER_ORDER

SUMMARY_ROWS = 25  # rows of a list on the first pages; the appendix has them all
PER_VENDOR_CHART = 30  # up to this many scored vendors, one bar each; beyond, the distribution


def _trend(scores: tuple[float, ...]) -> str:
    """The last two scores, e.g. '95.4 -> 97.2', or the only one."""
    if not scores:
        return "-"
    if len(scores) == 1:
        return f"{scores[-1]:.1f}"
    return f"{scores[-2]:.1f} -> {scores[-1]:.1f}"


def _vendor_rows(vendors: Sequence[PortfolioVendor]) -> list[list[object]]:
    return [
        [
            v.id,
            v.name,
            v.tier,
            v.rating,
            _trend(v.trend),
            v.last_assessed,
            f"{v.next_due}{' overdue' if v.overdue else ''}",
        ]
        for v in vendors
    ]


VENDOR_HEADER = ["Vendor", "Name", "Tier", "Rating", "Score: last two", "Assessed", "Next due"]
VENDOR_WIDTHS = [42 * mm, 38 * mm, 14 * mm, 17 * mm, 22 * mm, 18 * mm, 23 * mm]


OVERDUE_HEADER = ["Vendor", "Name", "Tier", "Last assessed", "Was due"]
OVERDUE_WIDTHS = [50 * mm, 54 * mm, 20 * mm, 25 * mm, 25 * mm]


def _overdue_rows(vendors: Sequence[PortfolioVendor]) -> list[list[object]]:
    return [[v.id, v.name, v.tier, v.last_assessed, v.next_due] for v in vendors]


def _cut(rows: Sequence[object], appendix: str, what: str) -> list[Flowable]:
    if len(rows) <= SUMMARY_ROWS:
        return []
    return [
        text(f"The first {SUMMARY_ROWS} of {len(rows):,} {what}; {appendix} lists all.", "muted")
    ]


def _matrix(r: PortfolioReport) -> list[Flowable]:
    width = (CONTENT_WIDTH - 30 * mm) / len(r.ratings)
    return [
        markup("1. Inherent tier against residual risk", "h1"),
        text(
            "Vendors counted by inherent tier (rows) and the rating of their latest audit "
            "(columns). The top-right cells are where the committee's attention belongs.",
            "muted",
        ),
        table(
            ["tier \\ rating", *r.ratings],
            [
                [
                    tier,
                    *(
                        coloured(f"{c:,}", RATING_COLOURS.get(rating) if c else None)
                        for c, rating in zip(counts, r.ratings, strict=True)
                    ),
                ]
                for tier, counts in r.matrix
            ],
            [30 * mm] + [width] * len(r.ratings),
        ),
    ]


def _scores(r: PortfolioReport) -> list[Flowable]:
    tiers = [t.value for t in TIER_ORDER]
    story: list[Flowable] = [markup("2. Scores", "h1")]
    scored = [(v.id, v.score) for v in r.vendors if v.score is not None]
    if len(scored) <= PER_VENDOR_CHART:
        story.append(charts.portfolio_scores(scored, width=CONTENT_WIDTH))
    else:
        story.append(charts.score_distribution(r.score_bands, tiers, width=CONTENT_WIDTH))
    width = (CONTENT_WIDTH - 30 * mm) / (len(tiers) + 1)
    story.append(
        table(
            ["latest score", *tiers, "all"],
            [
                [band, *(f"{c:,}" for c in counts), f"{sum(counts):,}"]
                for band, counts in r.score_bands
            ],
            [30 * mm] + [width] * (len(tiers) + 1),
        )
    )
    return story


def _attention(r: PortfolioReport, whole: bool) -> list[Flowable]:
    if whole:
        rows = list(r.vendors)
        story: list[Flowable] = [
            markup("3. Vendors", "h1"),
            text("Every vendor, by inherent tier; scores are the last two audits.", "muted"),
        ]
    else:
        rows = list(r.attention)
        story = [
            markup("3. Vendors that need attention", "h1"),
            text(
                "Vendors whose latest audit rates them high or critical residual risk, worst "
                "first. Appendix A lists every vendor.",
                "muted",
            ),
        ]
    if not rows:
        return [*story, text("No vendor is rated high or critical.", "body")]
    shown = rows if whole else rows[:SUMMARY_ROWS]
    story.append(table(VENDOR_HEADER, _vendor_rows(shown), VENDOR_WIDTHS))
    return story + ([] if whole else _cut(rows, "Appendix A", "such vendors"))


def _overdue(r: PortfolioReport) -> list[Flowable]:
    story: list[Flowable] = [markup("4. Overdue assessments", "h1")]
    if not r.overdue:
        return [*story, text("Every vendor is within its reassessment cadence.", "body")]
    by_tier = [(t.value, sum(1 for v in r.overdue if v.tier == t.value)) for t in TIER_ORDER]
    story.append(
        text(
            f"{len(r.overdue):,} assessment(s) overdue: "
            + ", ".join(f"{n:,} {tier}" for tier, n in by_tier if n)
            + ".",
            "body",
        )
    )
    story.append(
        table(
            OVERDUE_HEADER,
            _overdue_rows(r.overdue[:SUMMARY_ROWS]),
            OVERDUE_WIDTHS,
        )
    )
    return story + _cut(r.overdue, "Appendix B", "overdue assessments")


def _findings(r: PortfolioReport) -> list[Flowable]:
    return [
        markup("5. Open findings by severity and age", "h1"),
        table(
            ["Severity", *r.age_buckets, "Total"],
            [
                [
                    coloured(name, SEVERITY_COLOURS.get(name)),
                    *(f"{c:,}" for c in counts),
                    f"{sum(counts):,}",
                ]
                for name, counts in r.findings_by_severity
            ],
            [30 * mm]
            + [(CONTENT_WIDTH - 50 * mm) / len(r.age_buckets)] * len(r.age_buckets)
            + [20 * mm],
        ),
    ]


def _concentration(r: PortfolioReport) -> list[Flowable]:
    story: list[Flowable] = [markup("6. Concentration", "h1")]
    for title, rows in r.concentration:
        story.append(markup(title, "h3"))
        story.append(
            table(
                [title, "Vendors", f"Annual spend, {r.currency} (share)"],
                [
                    [name, f"{count:,}", f"{spend:,.0f}"]
                    for name, count, spend in rows[:SUMMARY_ROWS]
                ],
                [70 * mm, 40 * mm, 64 * mm],
            )
        )
        story += _cut(rows, "Appendix C", f"{title.lower()} entries")
    if r.spend_note:
        story.append(text(r.spend_note, "muted"))
    return story


def _appendices(r: PortfolioReport, whole: bool) -> list[Flowable]:
    story: list[Flowable] = []
    if not whole:
        story += [
            PageBreak(),
            markup("Appendix A. Every vendor", "h1"),
            listing(VENDOR_HEADER, _vendor_rows(r.vendors), VENDOR_WIDTHS),
        ]
    if len(r.overdue) > SUMMARY_ROWS:
        story += [
            PageBreak(),
            markup("Appendix B. Every overdue assessment", "h1"),
            listing(OVERDUE_HEADER, _overdue_rows(r.overdue), OVERDUE_WIDTHS),
        ]
    long_lists = [(title, rows) for title, rows in r.concentration if len(rows) > SUMMARY_ROWS]
    if long_lists:
        story += [PageBreak(), markup("Appendix C. Concentration in full", "h1")]
        for title, rows in long_lists:
            story.append(markup(title, "h3"))
            story.append(
                listing(
                    [title, "Vendors", f"Annual spend, {r.currency} (share)"],
                    [[name, f"{count:,}", f"{spend:,.0f}"] for name, count, spend in rows],
                    [70 * mm, 40 * mm, 64 * mm],
                )
            )
    return story


def render_portfolio_report(r: PortfolioReport, signer: str) -> bytes:
    whole = len(r.vendors) <= SUMMARY_ROWS
    story: list[Flowable] = [
        Spacer(1, 22 * mm),
        markup("Third-party risk", "subtitle"),
        text("Outsourcing portfolio report", "title"),
        text(f"for the risk committee · as of {r.as_of} · generated {r.rendered_at}", "subtitle"),
        Spacer(1, 10 * mm),
        key_values(list(r.totals)),
        Spacer(1, 10 * mm),
        text(
            f"Digitally signed (PAdES) by {signer}; the portfolio data is attached as "
            "portfolio.json. Check with `audit verify`.",
            "body",
        ),
        NextPageTemplate("body"),
        PageBreak(),
        *_matrix(r),
        *_scores(r),
        *_attention(r, whole),
        *_overdue(r),
        *_findings(r),
        *_concentration(r),
        *_appendices(r, whole),
    ]
    return build_pdf(
        story,
        title="Outsourcing portfolio report",
        subject=f"Portfolio of {len(r.vendors)} vendors as of {r.as_of}",
        author="vendor-audit",
        header=f"Outsourcing portfolio report as of {r.as_of}",
        footer=f"As of {r.as_of} · generated {r.rendered_at}",
    )
