"""Questionnaire use cases: issue one to a vendor, import the filled copy as a new submission."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.content.yamlsafe import parse_yaml
from audit.errors import ContentError, InputError, NotFoundError, Problem
from audit.evidence.store import BlobStore
from audit.questionnaire.document import (
    Questionnaire,
    build_questionnaire,
    render_json,
    render_yaml,
)
from audit.questionnaire.reader import ParsedSubmission, read_submission
from audit.scoping import scope_vendor
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.vendors import load_vendor, vendor_facts
from audit.store import queries
from audit.store.tables import AnswerRow, EvidenceRow, QuestionnaireRow, SubmissionRow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Issued:
    questionnaire: Questionnaire
    path: Path


@dataclass(frozen=True, slots=True)
class Imported:
    questionnaire_id: str
    vendor_id: str
    submission_id: int
    version: int
    answered: int
    unanswered: tuple[str, ...]
    evidence_new: int
    evidence_known: int


def previous_answers(workspace: Workspace, vendor_id: str) -> dict[str, Any]:
    """The vendor's most recent accepted answers, by control."""
    with reading(workspace) as session:
        latest = queries.latest_submission(session, vendor_id)
        if latest is None or latest.id is None:
            return {}
        return {a.control_id: a.value for a in queries.answers(session, latest.id)}


def issue_questionnaire(
    workspace: Workspace,
    vendor_id: str,
    *,
    output: Path | None = None,
    issued: dt.date | None = None,
    due: dt.date | None = None,
) -> Issued:
    """Write the questionnaire file and record it; refuses to overwrite an existing file."""
    content = workspace_content(workspace)
    vendor = load_vendor(workspace, vendor_id)
    issued = issued or dt.date.today()
    due = due or issued + dt.timedelta(days=content.policy.cadence.response_days)
    if due < issued:
        raise InputError(f"due date {due} is before the issue date {issued}")
    scope = scope_vendor(content, vendor_facts(vendor, content))
    with reading(workspace) as session:
        count = queries.count_questionnaires(session, vendor_id, issued)
    questionnaire_id = f"Q-{vendor_id}-{issued:%Y%m%d}" + (f"-{count + 1}" if count else "")
    questionnaire = build_questionnaire(
        questionnaire_id, vendor_id, scope, issued, due, previous_answers(workspace, vendor_id)
    )
    path = output or workspace.root / "questionnaires" / f"{questionnaire_id}.yaml"
    if path.exists():
        raise InputError(
            f"{path} already exists; nothing was issued", hint="choose another file with -o"
        )
    titles = {f"{c.id}/{s.id}": s.title for c in content.checklists for s in c.sections}
    text = (
        render_json(questionnaire)
        if path.suffix.lower() == ".json"
        else render_yaml(questionnaire, content.policy, titles)
    )
    written = False
    try:
        with transaction(workspace) as session:
            session.add(
                QuestionnaireRow(
                    id=questionnaire.id,
                    vendor_id=vendor_id,
                    issued=issued,
                    due=due,
                    checklists=dict(questionnaire.checklists),
                    controls=[c.id for c in questionnaire.controls],
                    content_sha256=questionnaire.content_sha256,
                )
            )
            session.flush()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                written = True
                handle.write(text)
        written = False  # committed: the file stays
    finally:
        if written:  # the record was not committed, so neither is the file
            path.unlink(missing_ok=True)
    return Issued(questionnaire, path)


def _header(raw: bytes, source: str) -> Any:
    document = parse_yaml(raw, source)
    if not isinstance(document.data, dict) or not isinstance(
        document.data.get("questionnaire"), str
    ):
        raise ContentError(
            [Problem(source, "not a questionnaire: no `questionnaire:` id at the top", line=1)]
        )
    return document


def import_questionnaire(workspace: Workspace, path: Path) -> Imported:
    """Store a filled questionnaire as a new submission version, with its evidence, or nothing."""
    source = workspace.relative(path)
    if path.is_symlink() or not path.is_file():
        raise InputError(f"{source}: not a regular file")
    limit = workspace.settings["max_content_bytes"]
    if path.stat().st_size > limit:
        raise InputError(f"{source}: file is larger than {limit:,} bytes")
    raw = path.read_bytes()
    document = _header(raw, source)
    questionnaire_id = document.data["questionnaire"]
    content = workspace_content(workspace)
    with reading(workspace) as session:
        row = queries.questionnaire(session, questionnaire_id)
    if row is None:
        raise ContentError(
            [
                Problem(
                    source,
                    f"unknown questionnaire '{questionnaire_id}'",
                    line=document.line_of(("questionnaire",)),
                    path="questionnaire",
                )
            ],
            hint="import the file `audit questionnaire issue` wrote, without changing its id",
        )
    missing = [cid for cid in row.controls if cid not in content.controls]
    if missing:
        raise ContentError(
            [Problem(source, f"control {cid} is no longer in the checklists") for cid in missing],
            hint="the checklists changed since this questionnaire was issued; issue a new one",
        )
    controls = [content.controls[cid] for cid in row.controls]
    parsed = read_submission(
        document,
        path.parent,
        controls,
        content.policy,
        questionnaire_id=row.id,
        vendor_id=row.vendor_id,
        max_evidence_bytes=workspace.settings["max_evidence_bytes"],
    )
    return _store(workspace, row, parsed, source, hashlib.sha256(raw).hexdigest())


def _store(
    workspace: Workspace, row: QuestionnaireRow, parsed: ParsedSubmission, source: str, sha: str
) -> Imported:
    blobs = BlobStore(workspace.evidence_dir)
    limit = workspace.settings["max_evidence_bytes"]
    # Files go into the content-addressed store first: a failed transaction leaves at most an
    # unreferenced blob, never a row pointing at a missing file.
    stored = {item.file: blobs.put(item.path, limit) for item in parsed.declared}
    new = known = 0
    with transaction(workspace) as session:
        versions = [s.version for s in queries.submissions(session, row.id)]
        version = max(versions, default=0) + 1
        evidence_ids: dict[str, int] = {}
        for item in parsed.declared:
            blob = stored[item.file]
            existing = queries.evidence_by_hash(session, row.vendor_id, blob.sha256, item.kind)
            if existing is not None and existing.id is not None:
                evidence_ids[item.file] = existing.id
                known += 1
                continue
            evidence = EvidenceRow(
                vendor_id=row.vendor_id,
                kind=item.kind,
                sha256=blob.sha256,
                file_name=item.file,
                size=blob.size,
                issued=item.issued,
                expires=item.expires,
                period_end=item.period_end,
                controls=list(item.controls),
            )
            session.add(evidence)
            session.flush()
            assert evidence.id is not None  # noqa: S101 - assigned by flush
            evidence_ids[item.file] = evidence.id
            new += 1
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
                "source_name": source,
                "sha256": sha,
                "answered": len(parsed.answers),
                "unanswered": len(parsed.unanswered),
            },
            answer_rows,
        )
    return Imported(
        row.id,
        row.vendor_id,
        submission_id,
        version,
        len(parsed.answers),
        parsed.unanswered,
        new,
        known,
    )


def list_questionnaires(
    workspace: Workspace, vendor_id: str | None = None
) -> list[tuple[QuestionnaireRow, Sequence[SubmissionRow]]]:
    with reading(workspace) as session:
        return [
            (q, queries.submissions(session, q.id))
            for q in queries.questionnaires(session, vendor_id)
        ]


def show_submission(
    workspace: Workspace, questionnaire_id: str, version: int | None = None
) -> tuple[SubmissionRow, Sequence[AnswerRow]]:
    """One submission of a questionnaire (the newest unless a version is given), with answers."""
    with reading(workspace) as session:
        versions = queries.submissions(session, questionnaire_id)
        chosen = [s for s in versions if version is None or s.version == version]
        if not chosen:
            what = f"version {version} of " if version is not None else "a submission of "
            raise NotFoundError(f"no {what}questionnaire '{questionnaire_id}'")
        submission = chosen[-1]
        assert submission.id is not None  # noqa: S101 - stored rows have ids
        return submission, queries.answers(session, submission.id)
