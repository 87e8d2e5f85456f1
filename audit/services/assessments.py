"""Assessment use cases: score a vendor into an immutable audit run, apply finding transitions,
read history and compare runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from audit.content.model import ContentSet
from audit.errors import InputError
from audit.findings import Action, FindingState, FindingStatus, Transition, transitions
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
from audit.scoring.results import canonical_json
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.portal_preview import PORTAL, portal_preview
from audit.services.vendors import load_vendor, vendor_tier
from audit.store import assessing, chain, queries
from audit.store.assessing import Part, RunSummary, StoredFinding
from audit.store.engine import EncodedJSON
from audit.store.tables import utcnow
from audit.vendor import Vendor, facts
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Assessment:
    run_id: int | None  # None for a preview, which records nothing
    result: AuditResult
    findings: tuple[StoredFinding, ...]  # those this run opened, changed or resolved
    previous: RunSummary | None
    submission: Part
    review: Part | None  # the assessor's part, when one was answered

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
        "organisation": content.organisation.as_dict(),
    }


def _submission_inputs(part: Part | None) -> dict[str, Any] | None:
    if part is None:
        return None
    return {
        "questionnaire": part.questionnaire_id,
        "version": part.version,
        "sha256": part.sha256,
        "status": part.status,
        "completed_by": part.completed_by,
        # Answers given in the portal have no file: their hash is of the answers themselves.
        **({"source": PORTAL} if part.source.startswith(PORTAL) else {}),
    }


Answers = tuple[dict[str, Any], dict[str, str], dict[str, tuple[int, ...]]]


def _answers_of(rows: Sequence[Any], part: Part | None, controls: set[str]) -> Answers:
    """Answers, comments and citations of one part, for the controls that part answers."""
    if part is None:
        return {}, {}, {}
    mine = [a for a in rows if a.submission_id == part.id and a.control_id in controls]
    return (
        {a.control_id: a.value for a in mine if a.value is not None},
        {a.control_id: a.comment for a in mine if a.comment},
        {a.control_id: tuple(a.evidence) for a in mine if a.evidence},
    )


def _vendor_submission(
    session: Session, vendor_id: str, as_of: dt.date, include_draft: bool
) -> Part:
    submission = queries.submission_as_of(session, vendor_id, as_of, include_draft=include_draft)
    if submission is not None and submission.id is not None:
        return Part.of(submission)
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


def _parts(
    session: Session,
    vendor_id: str,
    as_of: dt.date,
    include_draft: bool,
    known: tuple[int, int | None] | None,
) -> tuple[Part, Part | None]:
    """The vendor's submission and the assessor's review to score: those a batch already
    found, or the newest as of the date."""
    if known is not None:
        found = assessing.parts(session, [i for i in known if i is not None])
        return found[known[0]], found[known[1]] if known[1] is not None else None
    submission = _vendor_submission(session, vendor_id, as_of, include_draft)
    review = queries.submission_as_of(
        session, vendor_id, as_of, part=Respondent.ASSESSOR.value, include_draft=include_draft
    )
    return submission, Part.of(review) if review is not None else None


def assess(
    workspace: Workspace,
    vendor_id: str,
    as_of: dt.date | None = None,
    *,
    include_draft: bool = False,
    content: ContentSet | None = None,
    vendor: Vendor | None = None,
    parts: tuple[int, int | None] | None = None,
) -> Assessment:
    """Score the vendor's latest final submission, joined with the assessor's part, as of a
    date, and record the run and its findings.

    With `include_draft` the newest submissions of any status are scored as a preview: the
    result is returned and nothing is recorded. A batch passes what it has already read: the
    vendor, and the ids of the submission and review to score."""
    content = content or workspace_content(workspace)
    vendor = vendor or load_vendor(workspace, vendor_id)
    as_of = as_of or dt.date.today()
    tier = vendor_tier(vendor, content)
    vendor_facts = facts(vendor, tier.tier, content.organisation)
    scope = scope_vendor(content, vendor_facts)
    compiled = _compiled(content)
    by_part = {part: {c.id for c in scope.controls if c.answered_by is part} for part in Respondent}
    # A preview reads in a session that is never committed.
    with (reading if include_draft else transaction)(workspace) as session:
        portal = portal_preview(session, vendor_id, as_of) if include_draft else None
        if portal is None:
            submission, review = _parts(session, vendor_id, as_of, include_draft, parts)
        else:  # the portal's working copy is the newest: preview it
            submission = portal[0]
            found = queries.submission_as_of(
                session, vendor_id, as_of, part=Respondent.ASSESSOR.value, include_draft=True
            )
            review = Part.of(found) if found is not None else None
        rows = list(
            assessing.answers(session, [p.id for p in (submission, review) if p is not None])
        ) + (portal[1] if portal else [])
        answers, comments, cited = _answers_of(rows, submission, by_part[Respondent.VENDOR])
        more = _answers_of(rows, review, by_part[Respondent.ASSESSOR])
        answers, comments, cited = answers | more[0], comments | more[1], cited | more[2]
        evidence_rows = assessing.evidence(session, vendor_id)
        evidence = [
            Evidence(
                e.id,
                e.kind,
                e.issued,
                e.expires,
                e.period_end,
                tuple(e.controls or ()),
                e.period_start,
                e.audited,
            )
            for e in evidence_rows
        ] + (portal[2] if portal else [])
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
        result = aggregate(
            vendor_id,
            tier.tier,
            results,
            content.policy,
            as_of,
            inputs,
            severities={c.id: c.severity for c in scope.controls},
        )
        previous = assessing.newest_run(session, vendor_id)
        if include_draft:
            return Assessment(None, result, (), previous, submission, review)
        encoded = canonical_json(result.as_dict())
        run = {
            "vendor_id": vendor_id,
            "as_of": as_of,
            "tier": tier.tier.value,
            "score": result.score,
            "rating": result.rating.value,
            "band_rating": result.band_rating.value,
            "sha256": hashlib.sha256(encoded).hexdigest(),
            "submission_id": submission.id,
            "review_submission_id": review.id if review is not None else None,
            "inputs": inputs,
            "result": EncodedJSON(encoded.decode("utf-8")),
            "created_at": utcnow(),
        }
        run_id = assessing.insert_run(session, run)
        findings, events = _apply_findings(session, vendor_id, run_id, result, content)
        chain.record_run(session, run_id, run, events)
    return Assessment(run_id, result, findings, previous, submission, review)


def _apply_findings(
    session: Session, vendor_id: str, run_id: int, result: AuditResult, content: ContentSet
) -> tuple[tuple[StoredFinding, ...], list[dict[str, Any]]]:
    """Open, update and resolve the vendor's findings as this run says, with an event for each
    change: a few statements per vendor, whatever the number of findings. Returns the findings
    changed and the events written (with their finding's vendor and control)."""
    existing = assessing.findings(session, vendor_id)
    previous = {
        cid: FindingState(
            f.id, cid, Severity(f.severity), FindingStatus(f.status), f.due, f.accepted_until
        )
        for cid, f in existing.items()
    }
    changes = transitions(previous, result, content.controls, content.policy)
    now = utcnow()
    created = [c for c in changes if c.control_id not in existing]
    new_ids = assessing.insert_findings(
        session,
        vendor_id,
        [
            {
                "vendor_id": vendor_id,
                "control_id": c.control_id,
                "severity": c.severity.value,
                "status": c.status.value,
                "due": c.due,
                "opened_run_id": run_id,
                "last_seen_run_id": run_id,
                "updated_at": now,
            }
            for c in created
        ],
    )
    after = {
        c.control_id: StoredFinding(
            new_ids[c.control_id],
            c.control_id,
            c.severity.value,
            c.status.value,
            c.due,
            run_id,
            run_id,
            None,
            None,
        )
        for c in created
    }
    for change in changes:
        row = existing.get(change.control_id)
        if row is not None:
            after[change.control_id] = _changed(row, change, run_id)
    assessing.update_findings(
        session,
        [
            {
                "finding_id": f.id,
                "status": f.status,
                "due": f.due,
                "opened_run_id": f.opened_run_id,
                "last_seen_run_id": f.last_seen_run_id,
                "resolved_run_id": f.resolved_run_id,
                "accepted_until": f.accepted_until,
                "updated_at": now,
            }
            for cid, f in after.items()
            if cid in existing
        ],
    )
    actor = f"audit run #{run_id}"
    events = [
        {
            "finding_id": after[c.control_id].id,
            "run_id": run_id,
            "at": now,
            "actor": actor,
            "action": c.action.value,
            "from_status": existing[c.control_id].status if c.control_id in existing else None,
            "to_status": c.status.value,
            "note": c.note,
        }
        for c in changes
    ]
    assessing.insert_events(session, events)
    return tuple(after[c.control_id] for c in changes), [
        event | {"vendor_id": vendor_id, "control_id": c.control_id}
        for event, c in zip(events, changes, strict=True)
    ]


def _changed(row: StoredFinding, change: Transition, run_id: int) -> StoredFinding:
    """An existing finding after this run's transition."""
    if change.action is Action.RESOLVED:
        return replace(row, status=change.status.value, due=change.due, resolved_run_id=run_id)
    opened, resolved, accepted = row.opened_run_id, row.resolved_run_id, row.accepted_until
    if change.action in (Action.REOPENED, Action.ACCEPTANCE_EXPIRED):
        resolved = None
        opened = run_id if change.action is Action.REOPENED else opened
        accepted = None if change.action is Action.ACCEPTANCE_EXPIRED else accepted
    return replace(
        row,
        status=change.status.value,
        due=change.due,
        opened_run_id=opened,
        last_seen_run_id=run_id,
        resolved_run_id=resolved,
        accepted_until=accepted,
    )
