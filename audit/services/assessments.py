"""Assessment use cases: score a vendor into an immutable audit run, apply finding transitions,
read history and compare runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from audit.content.model import ContentSet
from audit.errors import InputError, NotFoundError
from audit.findings import Action, FindingState, FindingStatus, transitions
from audit.model import Respondent, Severity
from audit.scoping import scope_vendor
from audit.scoring import (
    AuditResult,
    Compiled,
    Evidence,
    aggregate,
    compile_controls,
    score_controls,
)
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.vendors import load_vendor, vendor_tier
from audit.store import queries
from audit.store.tables import (
    AuditRunRow,
    FindingEventRow,
    FindingRow,
    SubmissionRow,
    utcnow,
)
from audit.vendor import facts
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Assessment:
    run_id: int | None  # None for a preview, which records nothing
    result: AuditResult
    findings: tuple[FindingRow, ...]
    previous: AuditRunRow | None
    submission: SubmissionRow
    review: SubmissionRow | None  # the assessor's part, when one was answered

    @property
    def preview(self) -> bool:
        return self.run_id is None


_COMPILED: dict[tuple[str, ...], dict[str, Compiled]] = {}


def _compiled(content: ContentSet) -> dict[str, Compiled]:
    """Controls compiled once per content version (keyed by the checklists' hashes)."""
    key = tuple(c.sha256 for c in content.checklists)
    if key not in _COMPILED:
        _COMPILED[key] = {c.control.id: c for c in compile_controls(content.controls.values())}
    return _COMPILED[key]


def content_inputs(content: ContentSet) -> dict[str, Any]:
    return {
        "checklists": {
            c.id: {"version": c.version, "sha256": c.sha256} for c in content.checklists
        },
        "policy": {
            "id": content.policy.id,
            "version": content.policy.version,
            "sha256": content.policy.sha256,
        },
    }


def _submission_inputs(row: SubmissionRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "questionnaire": row.questionnaire_id,
        "version": row.version,
        "sha256": row.sha256,
        "status": row.status,
        "completed_by": row.completed_by,
    }


def _answers_of(
    session: Session, submission: SubmissionRow | None, controls: set[str]
) -> tuple[dict[str, Any], dict[str, str], dict[str, tuple[int, ...]]]:
    """Answers, comments and citations of one part, for the controls that part answers."""
    if submission is None or submission.id is None:
        return {}, {}, {}
    rows = [a for a in queries.answers(session, submission.id) if a.control_id in controls]
    return (
        {a.control_id: a.value for a in rows if a.value is not None},
        {a.control_id: a.comment for a in rows if a.comment},
        {a.control_id: tuple(a.evidence) for a in rows if a.evidence},
    )


def _vendor_submission(
    session: Session, vendor_id: str, as_of: dt.date, include_draft: bool
) -> SubmissionRow:
    submission = queries.submission_as_of(session, vendor_id, as_of, include_draft=include_draft)
    if submission is not None and submission.id is not None:
        return submission
    draft = queries.submission_as_of(session, vendor_id, as_of, include_draft=True)
    if draft is not None:
        raise InputError(
            f"{vendor_id} has only a draft submission ({draft.questionnaire_id} version "
            f"{draft.version}, {draft.answered} answered); drafts are not assessed",
            hint=f"preview it with `audit assess {vendor_id} --include-draft`, or import the "
            "vendor's final answers",
        )
    raise InputError(
        f"no submission for {vendor_id} from a questionnaire issued on or before {as_of}",
        hint=f"issue one (`audit questionnaire issue {vendor_id}`) and import the "
        "vendor's answers (`audit questionnaire import FILE`) first",
    )


def assess(
    workspace: Workspace,
    vendor_id: str,
    as_of: dt.date | None = None,
    *,
    include_draft: bool = False,
    content: ContentSet | None = None,
) -> Assessment:
    """Score the vendor's latest final submission, joined with the assessor's part, as of a
    date, and record the run and its findings.

    With `include_draft` the newest submissions of any status are scored as a preview: the
    result is returned and nothing is recorded."""
    content = content or workspace_content(workspace)
    vendor = load_vendor(workspace, vendor_id)
    as_of = as_of or dt.date.today()
    tier = vendor_tier(vendor, content)
    vendor_facts = facts(vendor, tier.tier)
    scope = scope_vendor(content, vendor_facts)
    compiled = _compiled(content)
    by_part = {part: {c.id for c in scope.controls if c.answered_by is part} for part in Respondent}
    # A preview reads in a session that is never committed.
    with (reading if include_draft else transaction)(workspace) as session:
        submission = _vendor_submission(session, vendor_id, as_of, include_draft)
        review = queries.submission_as_of(
            session, vendor_id, as_of, part=Respondent.ASSESSOR.value, include_draft=include_draft
        )
        answers, comments, cited = _answers_of(session, submission, by_part[Respondent.VENDOR])
        more = _answers_of(session, review, by_part[Respondent.ASSESSOR])
        answers, comments, cited = answers | more[0], comments | more[1], cited | more[2]
        evidence_rows = queries.evidence(session, vendor_id)
        evidence = [
            Evidence(e.id or 0, e.kind, e.issued, e.expires, e.period_end, tuple(e.controls))
            for e in evidence_rows
        ]
        inputs = content_inputs(content) | {
            "submission": _submission_inputs(submission),
            "review": _submission_inputs(review),
            "evidence": [{"id": e.id, "kind": e.kind, "sha256": e.sha256} for e in evidence_rows],
            "tier_points": tier.points,
            "tier_reasons": [str(r) for r in tier.reasons],
        }
        results = score_controls(
            [compiled[c.id] for c in scope.controls],
            vendor_facts,
            answers,
            evidence,
            cited,
            content.policy,
            as_of,
            comments,
        )
        result = aggregate(vendor_id, tier.tier, results, content.policy, as_of, inputs)
        previous_runs = queries.runs(session, vendor_id)
        previous = previous_runs[-1] if previous_runs else None
        if include_draft:
            return Assessment(None, result, (), previous, submission, review)
        run_id = queries.insert_run(
            session,
            AuditRunRow(
                vendor_id=vendor_id,
                as_of=as_of,
                tier=tier.tier.value,
                score=result.score,
                rating=result.rating.value,
                band_rating=result.band_rating.value,
                sha256=result.sha256,
                submission_id=submission.id,
                review_submission_id=review.id if review is not None else None,
                inputs=inputs,
                result=result.as_dict(),
            ),
        )
        findings = _apply_findings(session, vendor_id, run_id, result, content)
    return Assessment(run_id, result, findings, previous, submission, review)


def _apply_findings(
    session: Session, vendor_id: str, run_id: int, result: AuditResult, content: ContentSet
) -> tuple[FindingRow, ...]:
    existing = {f.control_id: f for f in queries.findings_of(session, vendor_id)}
    previous = {
        cid: FindingState(
            f.id or 0,
            cid,
            Severity(f.severity),
            FindingStatus(f.status),
            f.due,
            f.accepted_until,
        )
        for cid, f in existing.items()
    }
    now = utcnow()
    actor = f"audit run #{run_id}"
    touched = []
    for change in transitions(previous, result, content.controls, content.policy):
        row = existing.get(change.control_id)
        before = row.status if row is not None else None
        if row is None:
            row = FindingRow(
                vendor_id=vendor_id,
                control_id=change.control_id,
                severity=change.severity.value,
                status=change.status.value,
                due=change.due,
                opened_run_id=run_id,
                last_seen_run_id=run_id,
            )
        else:
            row.status = change.status.value
            row.due = change.due
            row.updated_at = now
            if change.action is Action.RESOLVED:
                row.resolved_run_id = run_id
            else:
                row.last_seen_run_id = run_id
                if change.action in (Action.REOPENED, Action.ACCEPTANCE_EXPIRED):
                    row.resolved_run_id = None
                    row.opened_run_id = (
                        run_id if change.action is Action.REOPENED else row.opened_run_id
                    )
                    row.accepted_until = (
                        None if change.action is Action.ACCEPTANCE_EXPIRED else row.accepted_until
                    )
        session.add(row)
        session.flush()
        assert row.id is not None  # noqa: S101 - assigned by flush
        session.add(
            FindingEventRow(
                finding_id=row.id,
                run_id=run_id,
                at=now,
                actor=actor,
                action=change.action.value,
                from_status=before,
                to_status=change.status.value,
                note=change.note,
            )
        )
        touched.append(row)
    return tuple(touched)


def history(workspace: Workspace, vendor_id: str) -> Sequence[AuditRunRow]:
    load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        return queries.runs(session, vendor_id)


def get_run(workspace: Workspace, vendor_id: str, run_id: int | None) -> AuditRunRow:
    """A run of the vendor, or its newest when `run_id` is None."""
    load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        if run_id is None:
            runs = queries.runs(session, vendor_id)
            if not runs:
                raise NotFoundError(
                    f"{vendor_id} has not been assessed", hint=f"run `audit assess {vendor_id}`"
                )
            return runs[-1]
        run = queries.run(session, run_id)
    if run is None or run.vendor_id != vendor_id:
        raise NotFoundError(
            f"no run #{run_id} for {vendor_id}", hint=f"see `audit history {vendor_id}`"
        )
    return run


@dataclass(frozen=True, slots=True)
class RunDiff:
    before: AuditRunRow
    after: AuditRunRow
    answers: list[tuple[str, Any, Any]]
    statuses: list[tuple[str, str, str]]
    domains: list[tuple[str, float | None, float | None]]
    opened: list[tuple[str, str]]
    resolved: list[tuple[str, str]]


def diff_runs(
    workspace: Workspace, vendor_id: str, from_run: int | None, to_run: int | None
) -> RunDiff:
    """What changed between two runs (default: the last two)."""
    runs = list(history(workspace, vendor_id))
    if to_run is None:
        if len(runs) < 2 and from_run is None:
            raise NotFoundError(
                f"{vendor_id} needs two runs to compare; it has {len(runs)}",
                hint=f"assess again (`audit assess {vendor_id}`) after new answers",
            )
        after = runs[-1]
    else:
        after = get_run(workspace, vendor_id, to_run)
    if from_run is None:
        earlier = [r for r in runs if (r.as_of, r.id or 0) < (after.as_of, after.id or 0)]
        if not earlier:
            raise NotFoundError(f"no run of {vendor_id} before run #{after.id}")
        before = earlier[-1]
    else:
        before = get_run(workspace, vendor_id, from_run)
    old = {c["id"]: c for c in before.result["controls"]}
    new = {c["id"]: c for c in after.result["controls"]}
    ids = list(dict.fromkeys([*old, *new]))
    answers = [
        (cid, old.get(cid, {}).get("answer"), new.get(cid, {}).get("answer"))
        for cid in ids
        if old.get(cid, {}).get("answer") != new.get(cid, {}).get("answer")
    ]
    statuses = [
        (cid, old.get(cid, {}).get("status", "absent"), new.get(cid, {}).get("status", "absent"))
        for cid in ids
        if old.get(cid, {}).get("status") != new.get(cid, {}).get("status")
    ]
    domain_names = sorted(set(before.result["domains"]) | set(after.result["domains"]))
    domains = [
        (d, before.result["domains"].get(d), after.result["domains"].get(d)) for d in domain_names
    ]
    between = [
        r.id
        for r in runs
        if r.id is not None
        and (before.as_of, before.id or 0) < (r.as_of, r.id) <= (after.as_of, after.id or 0)
    ]
    with reading(workspace) as session:
        events = queries.run_events(session, between)
        by_id = {f.id: f.control_id for f in queries.findings_of(session, vendor_id)}
    opened = [
        (by_id[e.finding_id], e.action)
        for e in events
        if e.action in (Action.OPENED, Action.REOPENED, Action.ACCEPTANCE_EXPIRED)
    ]
    resolved = [(by_id[e.finding_id], e.note or "") for e in events if e.action == Action.RESOLVED]
    return RunDiff(before, after, answers, statuses, domains, opened, resolved)
