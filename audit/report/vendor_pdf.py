"""The vendor audit report: lays a `VendorReport` out as pages (no data decisions here)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from audit.report import charts
from audit.report.layout import (
    CONTENT_WIDTH,
    badge,
    build_pdf,
    coloured,
    key_values,
    markup,
    table,
    taller_than_a_page,
    text,
)
from audit.report.styles import RATING_COLOURS, SEVERITY_COLOURS, STATUS_COLOURS
from audit.report.view import VendorReport


def _cover(r: VendorReport, signer: str) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 22 * mm),
        markup("Vendor audit report", "subtitle"),
        text(r.vendor_name, "title"),
        text(f"{r.vendor_id} · run #{r.run_id}", "subtitle"),
        Spacer(1, 10 * mm),
    ]
    rating = badge(
        r.rating, RATING_COLOURS.get(r.rating, RATING_COLOURS["not assessed"]), "residual risk"
    )
    tier = badge(
        r.tier,
        RATING_COLOURS.get(
            {"medium": "moderate"}.get(r.tier, r.tier), RATING_COLOURS["not assessed"]
        ),
        "inherent tier",
    )
    score = badge(f"{r.score:.1f}", RATING_COLOURS["not assessed"], "score out of 100")
    row = Table([[rating, tier, score]], colWidths=[CONTENT_WIDTH / 3] * 3)
    row.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)])
    )
    story += [row, Spacer(1, 10 * mm)]
    story.append(
        key_values(
            [
                ("Period", r.period),
                ("Change", r.change),
                ("Report generated", r.rendered_at),
                ("Finding statuses", f"as recorded at {r.statuses_at}"),
                ("Run sha256", r.run_sha256),
            ]
        )
    )
    story += [
        Spacer(1, 14 * mm),
        markup("Signature", "h3"),
        text(
            f"This report is digitally signed (PAdES) by {signer}. The signature covers the whole "
            "file, including the attached machine-readable run (audit-run.json) and the findings "
            "as this report shows them (findings.json). Any change after signing invalidates "
            "it. Check with `audit verify REPORT.pdf` or any PDF reader that "
            "validates signatures.",
            "body",
        ),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return story


def _summary(r: VendorReport) -> list[Flowable]:
    story: list[Flowable] = [markup("1. Executive summary", "h1")]
    failed = ", ".join(r.knockouts_failed)
    if r.knockouts_failed and r.band_rating != r.rating:
        capped = (
            f" The score alone would rate {r.band_rating}; failed knockout control(s) "
            f"{failed} cap it."
        )
    elif r.knockouts_failed:
        capped = (
            f" Knockout control(s) failed: {failed}; the rating is {r.rating} all the same, "
            "since the score alone already rates it so."
        )
    else:
        capped = ""
    if r.caps:
        capped += " The policy bounds the rating: " + "; ".join(r.caps) + "."
    story.append(
        text(
            f"{r.vendor_name} scores {r.score:.1f} out of 100 ({r.change}); its residual risk is "
            f"rated {r.rating}, against an inherent tier of {r.tier}.{capped}",
            "body",
        )
    )
    story.append(Spacer(1, 3 * mm))
    reasons = "; ".join(r.tier_reasons) or "no risk factors"
    points = f" ({r.tier_points} points)" if r.tier_points is not None else ""
    story.append(key_values([*r.profile, ("Inherent tier", f"{r.tier}{points}: {reasons}")]))
    story.append(Spacer(1, 3 * mm))
    counts = ", ".join(f"{n} {label.lower()}" for label, n in r.status_counts)
    story.append(text(f"Controls in scope: {counts}.", "body"))
    story.append(markup("Top findings", "h3"))
    if r.top_findings:
        story.append(_findings_table(r.top_findings))
    else:
        story.append(text("No open findings.", "body"))
    story.append(markup("Overdue", "h3"))
    if r.overdue:
        story.append(_findings_table(r.overdue[:10]))
        if len(r.overdue) > 10:
            story.append(text(f"… and {len(r.overdue) - 10} more overdue: see section 3.", "muted"))
    else:
        story.append(text("Nothing is past its due date.", "body"))
    charts_row = Table(
        [
            [charts.domain_scores(r.domains), charts.score_trend(r.trend)],
            [charts.findings_by_severity(r.findings_by_severity), ""],
        ],
        colWidths=[CONTENT_WIDTH / 2] * 2,
    )
    story.append(KeepTogether([markup("2. Charts", "h1"), charts_row]))
    return story


def _findings_table(rows: tuple) -> Table:  # type: ignore[type-arg]
    widths = [12 * mm, 22 * mm, 58 * mm, 17 * mm, 24 * mm, 22 * mm, 19 * mm]
    return table(
        ["#", "Control", "Finding", "Severity", "Status", "Owner", "Due"],
        [
            [
                f.id,
                f.control,
                f.title,
                coloured(f.severity, SEVERITY_COLOURS.get(f.severity)),
                coloured(f.status, STATUS_COLOURS.get(f.status.split(" until ")[0])),
                f.owner,
                f"{f.due}{' (overdue)' if f.overdue else ''}",
            ]
            for f in rows
        ],
        widths,
    )


def _controls(r: VendorReport) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), markup("4. Controls", "h1")]
    story.append(
        text(
            "Every control in scope, with its answer and comment and who gave them (the vendor, "
            "or our assessor from the executed contract; section 6 names both), the evidence "
            "that supports it, and how its score was reached.",
            "muted",
        )
    )
    domain = None
    rows: list[list[object]] = []
    widths = [104 * mm, 70 * mm]

    def flush() -> None:
        if rows:
            story.append(
                table(["Control, question and answer", "Result and evidence"], rows, widths)
            )
            rows.clear()

    for c in r.controls:
        if c.domain != domain:
            flush()
            domain = c.domain
            story.append(markup(escape(domain.replace("-", " ").capitalize()), "h2"))
        # One style per paragraph: single-style text takes ReportLab's fast line breaking,
        # and two cells a row keep the table's own bookkeeping small.
        knockout = " · knockout" if c.knockout else ""
        question = [
            text(f"{c.id}{knockout} · {c.title}", "cell_bold"),
            text(c.question),
            text(f"Answer ({c.answered_by}): {c.answer}", "cell_bold"),
        ]
        if c.comment:
            question.append(text(f"Comment: {c.comment}", "cell_italic"))
        result = [
            coloured(f"{c.status} ({c.score})", STATUS_COLOURS.get(c.status), "cell_bold"),
            text(c.explanation),
            text(f"Evidence: {c.evidence}"),
        ]
        if c.requirements:
            result.append(text(f"Requirements: {c.requirements}", "cell_italic"))
        row: list[object] = [question, result]
        if taller_than_a_page(row, widths):
            # A row taller than a page (a very long comment) gets a table of its own whose row
            # continues on the next pages; every other row moves whole to the next page.
            flush()
            story.append(
                table(
                    ["Control, question and answer", "Result and evidence"],
                    [row],
                    widths,
                    split_rows=True,
                )
            )
        else:
            rows.append(row)
    flush()
    return story


def _findings(r: VendorReport) -> list[Flowable]:
    story: list[Flowable] = [markup("3. Findings", "h1")]
    story.append(
        text(
            f"Statuses, owners and risk acceptances as recorded at {r.statuses_at}; due dates "
            "come from the policy's remediation days for each severity.",
            "muted",
        )
    )
    if not r.findings:
        return [*story, text("No open findings.", "body")]
    story.append(_findings_table(r.findings))
    story.append(markup("What each finding asks for", "h3"))
    for f in r.findings:
        lines = [markup(f"<b>#{f.id} {escape(f.control)}</b> {escape(f.title)}", "body")]
        if f.acceptance:
            lines.append(text(f.acceptance, "body"))
        lines.append(
            text(
                f"Recommended remediation: {f.remediation or 'none given by the control'}", "muted"
            )
        )
        story.append(KeepTogether([*lines, Spacer(1, 2 * mm)]))
    return story


def render_vendor_report(r: VendorReport, signer: str) -> bytes:
    story = _cover(r, signer) + _summary(r) + _findings(r)
    story += _controls(r)
    story += [PageBreak(), markup("5. Evidence register", "h1")]
    if r.evidence:
        story.append(
            table(
                ["#", "Kind", "File", "SHA-256", "Valid until", "State"],
                [
                    [
                        e.id,
                        e.kind,
                        e.file,
                        text(f"{e.sha256[:32]}\n{e.sha256[32:]}", "hash"),
                        f"{e.valid_until}\n{e.basis}",
                        e.state,
                    ]
                    for e in r.evidence
                ],
                [9 * mm, 29 * mm, 31 * mm, 50 * mm, 30 * mm, 25 * mm],
            )
        )
    else:
        story.append(text("No evidence held for this vendor.", "body"))
    story += [KeepTogether([markup("6. Method", "h1"), key_values(list(r.method))])]
    return build_pdf(
        story,
        title=f"Vendor audit report: {r.vendor_name}",
        subject=f"Audit run #{r.run_id} of {r.vendor_id} as of {r.as_of}",
        author="vendor-audit",
        header=f"{r.vendor_name} · run #{r.run_id} as of {r.as_of} · residual risk {r.rating}",
        footer=f"Generated {r.rendered_at} · run sha256 {r.run_sha256[:16]}…",
    )
