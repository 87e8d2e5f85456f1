"""The portfolio report for the risk committee: lays a `PortfolioReport` out as pages."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer

from audit.report import charts
from audit.report.layout import CONTENT_WIDTH, build_pdf, key_values, markup, table, text
from audit.report.portfolio_view import PortfolioReport
from audit.report.styles import RATING_COLOURS, SEVERITY_COLOURS

BARS = "▁▂▃▄▅▆▇█"


def _spark(scores: tuple[float, ...]) -> str:
    return "".join(BARS[min(len(BARS) - 1, int(s / 100 * len(BARS)))] for s in scores) or "-"


def render_portfolio_report(r: PortfolioReport, signer: str) -> bytes:
    story: list[Flowable] = [
        Spacer(1, 22 * mm),
        markup("Third-party risk", "subtitle"),
        text("Outsourcing portfolio report", "title"),
        text(f"for the risk committee · generated {r.rendered_at}", "subtitle"),
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
        markup("1. Inherent tier against residual risk", "h1"),
        text(
            "Vendors counted by inherent tier (rows) and the rating of their latest audit "
            "(columns). The top-right cells are where the committee's attention belongs.",
            "muted",
        ),
    ]
    width = (CONTENT_WIDTH - 30 * mm) / len(r.ratings)
    extra = []
    for row_index, (_, counts) in enumerate(r.matrix, start=1):
        for col_index, count in enumerate(counts, start=1):
            if count:
                colour = RATING_COLOURS.get(r.ratings[col_index - 1])
                extra.append(("TEXTCOLOR", (col_index, row_index), (col_index, row_index), colour))
    story.append(
        table(
            ["tier \\ rating", *r.ratings],
            [[tier, *counts] for tier, counts in r.matrix],
            [30 * mm] + [width] * len(r.ratings),
            extra,
        )
    )
    story += [markup("2. Vendors", "h1")]
    story.append(
        table(
            ["Vendor", "Tier", "Rating", "Score", "Trend", "Last assessed", "Next due"],
            [
                [
                    f"{v.name}\n{v.id}",
                    v.tier,
                    v.rating,
                    "-" if v.score is None else f"{v.score:.1f}",
                    _spark(v.trend),
                    v.last_assessed,
                    f"{v.next_due}{' overdue' if v.overdue else ''}",
                ]
                for v in r.vendors
            ],
            [52 * mm, 16 * mm, 20 * mm, 14 * mm, 18 * mm, 22 * mm, 32 * mm],
        )
    )
    scored = [(v.id, v.score) for v in r.vendors if v.score is not None]
    story += [Spacer(1, 4 * mm), charts.portfolio_scores(scored, width=CONTENT_WIDTH)]
    story += [markup("3. Overdue assessments", "h1")]
    if r.overdue:
        story.append(
            table(
                ["Vendor", "Tier", "Last assessed", "Was due"],
                [[v.id, v.tier, v.last_assessed, v.next_due] for v in r.overdue],
                [60 * mm, 30 * mm, 40 * mm, 44 * mm],
            )
        )
    else:
        story.append(text("Every vendor is within its reassessment cadence.", "body"))
    story += [markup("4. Open findings by severity and age", "h1")]
    extra = [
        ("TEXTCOLOR", (0, i), (0, i), SEVERITY_COLOURS.get(name))
        for i, (name, _) in enumerate(r.findings_by_severity, start=1)
    ]
    story.append(
        table(
            ["Severity", *r.age_buckets, "Total"],
            [[name, *counts, sum(counts)] for name, counts in r.findings_by_severity],
            [30 * mm]
            + [(CONTENT_WIDTH - 50 * mm) / len(r.age_buckets)] * len(r.age_buckets)
            + [20 * mm],
            extra,
        )
    )
    story += [markup("5. Concentration", "h1")]
    for title, rows in r.concentration:
        story.append(markup(title, "h3"))
        story.append(
            table(
                [title, "Vendors", "Annual spend (share)"],
                [[name, count, f"{spend:,.0f}"] for name, count, spend in rows],
                [70 * mm, 40 * mm, 64 * mm],
            )
        )
    return build_pdf(
        story,
        title="Outsourcing portfolio report",
        subject=f"Portfolio of {len(r.vendors)} vendors, {r.rendered_at}",
        author="vendor-audit",
        header=f"Outsourcing portfolio report · {r.rendered_at}",
        footer=f"Generated {r.rendered_at}",
    )
