"""`audit assess`, `audit history` and `audit diff`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from audit import services
from audit.cli.app import app, state
from audit.cli.console import console, progress, styled
from audit.cli.output import Format, render
from audit.cli.params import LARGEST_ID, AsOfOption, FormatOption, as_of
from audit.errors import InputError
from audit.model import Tier
from audit.scoring import FAILING

out = console()
BARS = "▁▂▃▄▅▆▇█"


def sparkline(scores: list[float]) -> str:
    return "".join(BARS[min(len(BARS) - 1, int(s / 100 * len(BARS)))] for s in scores)


def _record(assessment: services.assessments.Assessment) -> dict[str, Any]:
    result = assessment.result
    return {
        "run": assessment.run_id,
        "preview": assessment.preview,
        "vendor": result.vendor_id,
        "as_of": result.as_of.isoformat(),
        "tier": result.tier.value,
        "score": result.score,
        "rating": result.rating.value,
        "band_rating": result.band_rating.value,
        "knockouts_failed": list(result.capped_by),
        "caps": list(result.caps),
        "domains": dict(result.domains),
        "controls": [
            {
                "id": r.control_id,
                "status": r.status.value,
                "answered_by": r.answered_by,
                "score": r.effective,
                "weight": r.weight,
                "explanation": r.explanation,
            }
            for r in result.controls
        ],
        "findings": [
            {
                "id": f.id,
                "control": f.control_id,
                "severity": f.severity,
                "status": f.status,
                "due": f.due.isoformat(),
            }
            for f in assessment.findings
        ],
        "sha256": result.sha256,
        "submission": result.inputs.get("submission"),
        "review": result.inputs.get("review"),
    }


def _parts(assessment: services.assessments.Assessment) -> None:
    """Which answers were scored: the vendor's submission and the assessor's review."""
    sub = assessment.submission
    by = f" by {sub.completed_by}" if sub.completed_by else ""
    out.print(f"vendor's answers: {sub.questionnaire_id} version {sub.version} ({sub.status}{by})")
    review = assessment.review
    assessor_controls = sum(1 for r in assessment.result.controls if r.answered_by == "assessor")
    if review is not None:
        by = f" by {review.completed_by}" if review.completed_by else ""
        out.print(
            f"assessor's review: {review.questionnaire_id} version {review.version} "
            f"({review.status}{by})"
        )
    elif assessor_controls:
        out.print(
            f"assessor's review: none yet; its {assessor_controls} contract question(s) count as "
            f"unanswered. Issue it with `audit review {assessment.result.vendor_id}`."
        )


@app.command()
def assess(
    ctx: typer.Context,
    vendor_id: Annotated[str | None, typer.Argument(metavar="VENDOR")] = None,
    as_of_date: AsOfOption = None,
    include_draft: Annotated[
        bool,
        typer.Option(
            "--include-draft",
            help="Preview the newest submissions even if they are drafts; records nothing.",
        ),
    ] = False,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every vendor with final answers no run has scored yet."),
    ] = False,
    tier: Annotated[
        Tier | None, typer.Option(help="With --all: only vendors of this tier.")
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Score the vendor's latest final answers (and the assessor's review) and evidence into an
    immutable audit run; with --all, every vendor that has new final answers."""
    if every == (vendor_id is not None):
        raise InputError("name a VENDOR, or use --all (not both)")
    if every:
        _assess_all(ctx, as_of(as_of_date), tier, fmt)
        return
    assert vendor_id is not None  # noqa: S101 - checked above
    assessment = services.assess(
        state(ctx).workspace(), vendor_id, as_of(as_of_date), include_draft=include_draft
    )
    record = _record(assessment)
    if fmt is not Format.TABLE:
        if fmt is Format.JSON:
            render([record], list(record), fmt)  # one object per run, in a list
        else:
            render(record["controls"], ["id", "status", "score", "weight", "explanation"], fmt)
        return
    result = assessment.result
    change = ""
    if assessment.previous is not None:
        delta = result.score - assessment.previous.score
        change = (
            f" ({delta:+.1f} since run #{assessment.previous.id}, {assessment.previous.rating})"
        )
    run = "PREVIEW (nothing recorded)" if assessment.preview else f"run #{assessment.run_id}"
    out.print(
        styled(
            (vendor_id, "bold"),
            f" {run} as of {result.as_of}: score {result.score:.1f}{change}; residual risk ",
            (str(result.rating), "bold"),
            f"; inherent tier {result.tier}",
        )
    )
    _parts(assessment)
    if result.capped_by and result.rating != result.band_rating:
        out.print(
            f"rating capped at {result.rating} (score band: {result.band_rating}) by failed "
            f"knockout(s): {', '.join(result.capped_by)}",
            markup=False,
        )
    elif result.capped_by:
        out.print(f"failed knockout(s): {', '.join(result.capped_by)}", markup=False)
    for cap in result.caps:
        out.print(f"rating bounded by the policy: {cap}", markup=False)
    rows = [{"domain": d, "score": f"{s:.1f}"} for d, s in result.domains.items()]
    render(rows, ["domain", "score"], Format.TABLE, console=out)
    failing = [r for r in result.controls if r.status in FAILING]
    rows = [
        {"control": r.control_id, "status": r.status.value, "explanation": r.explanation}
        for r in failing
    ]
    if rows:
        render(rows, list(rows[0]), Format.TABLE, title="Controls not fully met", console=out)
    counts: dict[str, int] = {}
    for f in assessment.findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"
    out.print(f"findings touched by this run: {summary}; sha256 {result.sha256}", markup=False)
    previous = assessment.previous
    if previous is not None and previous.sha256 == result.sha256 and not assessment.preview:
        out.print(
            f"nothing changed since run #{previous.id}: the same answers, evidence, content and "
            "date give the same result (recorded again, as a dated confirmation)",
            markup=False,
        )


def _assess_all(ctx: typer.Context, day: dt.date, tier: Tier | None, fmt: Format) -> None:
    workspace = state(ctx).workspace()
    fresh = services.batch.fresh_submissions(workspace, day, tier)
    with progress("assessing", len(fresh), shown=bool(fresh) and fmt is Format.TABLE) as advance:
        outcomes = services.assess_all(workspace, day, tier=tier, each=advance, fresh=fresh)
    rows = [
        {
            "vendor": o.fresh.vendor_id,
            "run": o.scored.run_id if o.scored else None,
            "score": o.scored.score if o.scored else None,
            "rating": o.scored.rating if o.scored else None,
            "error": o.error,
        }
        for o in outcomes
    ]
    failed = [r for r in rows if r["error"]]
    if fmt is not Format.TABLE:
        render(rows, ["vendor", "run", "score", "rating", "error"], fmt)
    else:
        counts: dict[str, int] = {}
        for r in rows:
            if r["rating"]:
                counts[str(r["rating"])] = counts.get(str(r["rating"]), 0) + 1
        ratings = ", ".join(f"{n} {rating}" for rating, n in sorted(counts.items()))
        out.print(
            f"assessed {len(rows) - len(failed)} vendor(s) as of {day}"
            + (f" ({ratings})" if ratings else "")
            + ("; nothing new to assess" if not rows else "")
        )
        if failed:
            render(failed, ["vendor", "error"], Format.TABLE, title="Not assessed", console=out)
    if failed:
        raise typer.Exit(1)


def _verify_history(ctx: typer.Context, fmt: FormatOption, anchors: list[Path]) -> None:
    report = services.verify_history(state(ctx).workspace(), anchors)
    if fmt is not Format.TABLE:
        render(
            [{"entries": report.entries, "head": report.head, "problems": list(report.problems)}],
            ["entries", "head", "problems"],
            fmt,
        )
    elif report.problems:
        for problem in report.problems:
            out.print(f"FAIL {problem}", markup=False)
    else:
        out.print(
            f"history intact: {report.entries} entries chained, head {report.head}", markup=False
        )
    if report.problems:
        raise typer.Exit(1)


@app.command()
def history(
    ctx: typer.Context,
    vendor_id: Annotated[str | None, typer.Argument(metavar="[VENDOR]")] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Check the tamper-evident history of every submission, run and finding "
            "event; exit 1 naming each row changed, removed or added behind the tool's back.",
        ),
    ] = False,
    anchors: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            metavar="REPORT",
            help="With --verify: a signed report whose history head the chain must still hold.",
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The vendor's audit runs: score, rating and change, with a small trend; with --verify,
    the check of the whole tamper-evident history."""
    if check:
        _verify_history(ctx, fmt, anchors or [])
        return
    if vendor_id is None:
        raise InputError("name a vendor, or give --verify to check the whole history")
    runs = services.history(state(ctx).workspace(), vendor_id)
    rows = []
    previous = None
    for run in runs:
        change: float | None = None if previous is None else round(run.score - previous, 2)
        rows.append(
            {
                "run": run.id,
                "as_of": run.as_of.isoformat(),
                "tier": run.tier,
                "score": run.score,
                "rating": run.rating,
                "change": change,
                "sha256": run.sha256,
            }
        )
        previous = run.score
    render(
        rows,
        ["run", "as_of", "tier", "score", "rating", "change"],
        fmt,
        title=f"History of {vendor_id}",
    )
    if fmt is Format.TABLE and runs:
        out.print(f"trend {sparkline([r.score for r in runs])}", markup=False)


@app.command()
def diff(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    from_run: Annotated[
        int | None, typer.Option("--from", metavar="RUN", min=1, max=LARGEST_ID)
    ] = None,
    to_run: Annotated[
        int | None, typer.Option("--to", metavar="RUN", min=1, max=LARGEST_ID)
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """What changed between two runs: answers, statuses, domain scores, findings."""
    d = services.diff_runs(state(ctx).workspace(), vendor_id, from_run, to_run)
    data: dict[str, Any] = {
        "from": d.before.id,
        "to": d.after.id,
        "score": {"from": d.before.score, "to": d.after.score},
        "rating": {"from": d.before.rating, "to": d.after.rating},
        "domains": [{"domain": n, "from": a, "to": b} for n, a, b in d.domains],
        "answers": [{"control": c, "from": a, "to": b} for c, a, b in d.answers],
        "statuses": [{"control": c, "from": a, "to": b} for c, a, b in d.statuses],
        "findings_opened": [{"control": c, "how": how} for c, how in d.opened],
        "findings_resolved": [{"control": c, "note": note} for c, note in d.resolved],
    }
    if fmt is not Format.TABLE:
        render([data], list(data), fmt)
        return
    out.print(
        f"{vendor_id}: run #{d.before.id} ({d.before.as_of}) -> "
        f"run #{d.after.id} ({d.after.as_of}): score {d.before.score:.1f} -> "
        f"{d.after.score:.1f} ({d.after.score - d.before.score:+.1f}); "
        f"rating {d.before.rating} -> {d.after.rating}",
        markup=False,
    )
    rows = [
        {
            "domain": n,
            "from": a,
            "to": b,
            "change": None if a is None or b is None else round(b - a, 2),
        }
        for n, a, b in d.domains
    ]
    render(rows, list(rows[0]) if rows else ["domain"], Format.TABLE, console=out)
    if data["statuses"]:
        render(
            data["statuses"],
            ["control", "from", "to"],
            Format.TABLE,
            title="Statuses that changed",
            console=out,
        )
    if data["answers"]:
        render(
            data["answers"],
            ["control", "from", "to"],
            Format.TABLE,
            title="Answers that changed",
            console=out,
        )
    out.print(
        f"findings opened: {', '.join(c for c, _ in d.opened) or 'none'}; "
        f"resolved: {', '.join(c for c, _ in d.resolved) or 'none'}",
        markup=False,
    )
