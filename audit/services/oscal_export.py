"""OSCAL export use case: one audit run of a vendor as OSCAL 1.1.3 Assessment Results JSON, with
its findings as they stand and the evidence documents it used (see `audit.exports.oscal`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from audit import __version__
from audit.content.model import ContentSet
from audit.errors import NotFoundError
from audit.exports.oscal import ControlOutcome, RunRecord, assessment_results
from audit.report.method import method_rows, recorded_organisation
from audit.report.view import answer_text
from audit.services.content import workspace_content
from audit.services.database import reading
from audit.services.evidence import evidence_status
from audit.services.report_findings import findings_at, statuses_read_at
from audit.services.reports import check_run, evidence_facts, run_facts
from audit.services.roi import current_register
from audit.services.runs import get_run
from audit.store import evidence_rows, queries
from audit.vendor import vendor_from_record
from audit.workspace import Workspace

# The report's method rows that describe the run itself (the document's result carries it) and
# its attachment to the signed PDF (which the OSCAL document is not).
_NOT_METHOD = frozenset({"Run", "Run sha256"})


def _outcome(recorded: Mapping[str, Any], content: ContentSet) -> ControlOutcome:
    """One control's result from the run's stored result, in the words of the workspace's
    content (a control since removed from it keeps its id as its title)."""
    control = content.controls.get(recorded["id"])
    return ControlOutcome(
        control_id=recorded["id"],
        title=control.title if control else recorded["id"],
        question=" ".join(control.question.split()) if control else "(no longer in the content)",
        domain=recorded.get("domain", ""),
        severity=control.severity.value if control else "unknown",
        status=recorded["status"],
        answered_by=recorded.get("answered_by", "vendor"),
        answer=answer_text(recorded.get("answer"), control),
        comment=recorded.get("comment"),
        explanation=recorded.get("explanation", ""),
        evidence_ids=tuple(recorded.get("evidence", ())),
        missing_evidence=tuple(recorded.get("missing_evidence", ())),
        remediation=" ".join(control.remediation.split()) if control else "",
    )


def assessment_results_json(
    workspace: Workspace,
    vendor_id: str,
    *,
    run_id: int | None = None,
    generated_at: dt.datetime,
) -> bytes:
    """The OSCAL assessment results of a run of the vendor (its newest by default), as indented
    UTF-8 JSON ending in a newline. The run must be the vendor's and still hash to its recorded
    SHA-256; its findings stand as a report made at `generated_at` would show them."""
    content = workspace_content(workspace)
    run = get_run(workspace, vendor_id, run_id)  # NotFoundError: no such vendor, or not its run
    check_run(run)
    with reading(workspace) as session:
        vendor_row = queries.vendor(session, vendor_id)
        history = queries.runs(session, vendor_id)
        findings = queries.findings_of(session, vendor_id)
        events = queries.events(session, [f.id for f in findings if f.id is not None])
        held = evidence_rows.listing(session, vendor_id)
    if vendor_row is None:  # removed since get_run found it
        raise NotFoundError(f"no vendor '{vendor_id}'")
    read_at, cutoff = statuses_read_at(run, history, generated_at)
    standing = findings_at(findings, events, run, {r.id or 0: r.as_of for r in history}, cutoff)
    used = {e["id"] for e in run.inputs.get("evidence", ())}
    statuses = evidence_status([e for e in held if e.id in used], content.policy, run.as_of)
    facts = run_facts(run)
    rows = method_rows(facts, content, recorded_organisation(facts.inputs))
    method = [row for row in rows if row[0] not in _NOT_METHOD]
    if any((r.id or 0) > (run.id or 0) for r in history):  # a later run re-assessed them
        read = f"as they stood at {read_at.isoformat()}, before the next run re-assessed them"
        method.append(("Findings' statuses", read))
    record = RunRecord(
        id=facts.id,
        as_of=facts.as_of,
        sha256=facts.sha256,
        score=facts.score,
        rating=facts.rating,
        band_rating=facts.band_rating,
        tier=facts.tier,
        controls=tuple(_outcome(c, content) for c in facts.result.get("controls", ())),
        method=tuple(method),
    )
    evidence = evidence_facts(statuses)
    provider = next(
        (p for p in current_register(workspace).rows("providers") if p["id"] == vendor_id), {}
    )
    document = assessment_results(
        vendor_from_record(vendor_row.record),
        record,
        standing,
        evidence,
        organisation=workspace.settings["organisation_name"],
        generated_at=generated_at,
        tool_version=__version__,
        lei=provider.get("lei"),
    )
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
    return (text + "\n").encode("utf-8")
