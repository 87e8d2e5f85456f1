"""A submission version stored with its answers and evidence: what an import and a portal
submit both end in, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from audit.content.model import Policy
from audit.questionnaire.reader import ParsedSubmission
from audit.services.evidence import record_windows
from audit.store import chain, evidence_rows, queries
from audit.store.tables import QuestionnaireRow, utcnow


@dataclass(frozen=True, slots=True)
class Recorded:
    submission_id: int
    version: int
    evidence_new: int
    evidence_known: int


def record_submission(
    session: Session,
    policy: Policy,
    row: QuestionnaireRow,
    parsed: ParsedSubmission,
    stored: Mapping[str, tuple[str, int]],
    source: str,
    sha: str,
) -> Recorded:
    """A new submission version with its answers and evidence, in the caller's transaction;
    `stored` gives each declared file's bytes in the store (name -> (sha256, size)). Evidence
    the vendor already holds (the same bytes, of the same kind) is referred to, not copied."""
    new = known = 0
    versions = [s.version for s in queries.submissions(session, row.id)]
    version = max(versions, default=0) + 1
    held = evidence_rows.keys(session, row.vendor_id)  # (sha256, kind) -> id
    evidence_ids: dict[str, int] = {}
    fresh: dict[tuple[str, str], list[str]] = {}  # the same bytes may come under two names
    rows = []
    limits: dict[int, list[str]] = {}  # held documents: the limit this declaration states
    for item in parsed.declared:
        blob_sha, size = stored[item.file]
        key = (blob_sha, item.kind)
        if key in held:
            evidence_ids[item.file] = held[key]
            limits[held[key]] = list(item.controls)
            known += 1
        elif key in fresh:
            fresh[key].append(item.file)
        else:
            fresh[key] = [item.file]
            rows.append(
                {
                    "vendor_id": row.vendor_id,
                    "kind": item.kind,
                    "sha256": blob_sha,
                    "file_name": item.file,
                    "size": size,
                    "issued": item.issued,
                    "expires": item.expires,
                    "period_end": item.period_end,
                    "period_start": item.period_start,
                    "audited": item.audited,
                    "controls": list(item.controls),
                    "added_at": utcnow(),
                }
            )
    # The vendor's newest word on a document it sent before decides its limit: a limit can be
    # set, changed or lifted by declaring the same file again.
    evidence_rows.set_limits(session, limits)
    for new_id, names in zip(evidence_rows.insert(session, rows), fresh.values(), strict=True):
        evidence_ids.update(dict.fromkeys(names, new_id))
    new = len(rows)
    known += sum(len(names) - 1 for names in fresh.values())
    if new:
        record_windows(session, policy, [row.vendor_id])
    touched = sorted(set(parsed.answers) | set(parsed.comments) | set(parsed.evidence))
    answer_rows = [
        {
            "control_id": cid,
            "value": parsed.answers.get(cid),
            "comment": parsed.comments.get(cid),
            "evidence": [evidence_ids[name] for name in parsed.evidence.get(cid, ())],
        }
        for cid in touched
    ]
    submission_id = queries.insert_submission(
        session,
        {
            "questionnaire_id": row.id,
            "vendor_id": row.vendor_id,
            "version": version,
            "source_name": source[:500],
            "sha256": sha,
            "answered": len(parsed.answers),
            "unanswered": len(parsed.unanswered),
            "status": parsed.status.value,
            "completed_by": parsed.completed_by,
        },
        answer_rows,
    )
    chain.record(session, chain.SUBMISSION, [submission_id])
    return Recorded(submission_id, version, new, known)
