"""The vendor portal's documents and workbooks: files uploaded into the content-addressed store
with their kind, dates and the questions they support; the answers as a workbook to download;
a filled workbook uploaded instead of answering on screen (read by the one reader, into the
draft)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from audit.content.answers import parse_date
from audit.errors import ContentError, InputError, NotFoundError
from audit.evidence.store import BlobStore
from audit.inputs import date_problem, one_line
from audit.questionnaire.channels import read_filled
from audit.questionnaire.files import name_problem
from audit.questionnaire.filled import DATE_FIELDS, Written
from audit.questionnaire.reader import inspect_submission
from audit.questionnaire.words import DATE_EXAMPLE, DATE_WORDS
from audit.questionnaire.workbook import render_workbook
from audit.services.database import transaction
from audit.services.portal import (
    Saved,
    Visitor,
    event,
    refuse_if_submitted,
    save_answers,
    submitted_answers,
    uploaded_files,
)
from audit.services.portal_view import issued_questionnaire
from audit.store.tables import EvidenceRow, PortalFileRow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Uploaded:
    file: PortalFileRow
    known: str | None  # when these bytes were received before: where


def _day(name: str, raw: str | None) -> tuple[dt.date | None, str | None]:
    text = (raw or "").strip()
    if not text:
        return None, None
    day = parse_date(text)
    if day is None:
        if parse_date(text, window=False) is not None:
            return None, f"the {DATE_WORDS[name]}: {date_problem(dt.date.fromisoformat(text))}"
        return None, f"the {DATE_WORDS[name]} '{text[:40]}' is not a date; write it {DATE_EXAMPLE}"
    return day, None


def upload_file(
    workspace: Workspace,
    visitor: Visitor,
    path: Path,
    file_name: str,
    kind: str,
    dates: Mapping[str, str | None],
    controls: Sequence[str],
) -> Uploaded:
    """Store an uploaded document (once, by content) with its kind, dates and the questions it
    supports. Every problem is said at once, and nothing is kept unless there is none."""
    questionnaire = issued_questionnaire(workspace, visitor.questionnaire_id).questionnaire
    name = file_name.strip().replace("\\", "/").rsplit("/", 1)[-1]
    problems = []
    if (wrong := name_problem(name)) is not None:
        problems.append(f"the file name '{name[:60]}' {wrong}")
    info = questionnaire.kind(kind)
    if info is None:
        problems.append("choose the kind of document from the list")
    days: dict[str, dt.date | None] = {}
    for key in DATE_FIELDS:
        days[key], wrong = _day(key, dates.get(key))
        if wrong:
            problems.append(wrong)
    if info is not None:
        problems += [
            f"a {info.label} needs its {DATE_WORDS[key]}"
            for key in info.dates
            if days[key] is None and not dates.get(key)
        ]
    asked = {q.id for q in questionnaire.questions}
    unknown = [c for c in controls if c not in asked]
    if unknown:
        problems.append(f"{', '.join(unknown[:5])} are not questions of this questionnaire")
    if problems:
        raise InputError("; ".join(problems), hint="nothing was stored; correct and upload again")
    blob = BlobStore(workspace.evidence_dir).put(path, workspace.settings["max_evidence_bytes"])
    # None picked: it supports every question that asks for a document of its kind.
    chosen = sorted(set(controls)) or [
        q.id for q in questionnaire.questions if any(kind in a.kinds for a in q.evidence)
    ]
    with transaction(workspace) as session:
        refuse_if_submitted(session, visitor)
        held = session.exec(
            select(EvidenceRow).where(
                EvidenceRow.vendor_id == questionnaire.vendor_id,
                EvidenceRow.sha256 == blob.sha256,
            )
        ).first()
        known = (
            f"received before as {held.file_name} on {held.added_at:%Y-%m-%d}"
            if held is not None
            else None
        )
        files = uploaded_files(session, visitor.questionnaire_id)
        same = next((f for f in files if f.sha256 == blob.sha256 and f.kind == kind), None)
        if same is not None:  # the same document again: it now supports these questions too
            same.controls = sorted(set(same.controls) | set(chosen))
            session.add(same)
            known = f"already uploaded here as {same.file_name}"
            row = same
        else:
            if any(f.file_name == name for f in files):
                raise InputError(
                    f"another document named '{name}' is already uploaded; rename this one, "
                    "or remove the other first"
                )
            row = PortalFileRow(
                questionnaire_id=visitor.questionnaire_id,
                sha256=blob.sha256,
                file_name=name,
                size=blob.size,
                kind=kind,
                controls=chosen,
                issued=days["issued"],
                expires=days["expires"],
                period_start=days["period_start"],
                period_end=days["period_end"],
                audited=days["audited"],
            )
            session.add(row)
        event(session, visitor, "upload", f"{name} ({kind}, {blob.size} bytes, {blob.sha256})")
        session.flush()
        session.refresh(row)
        session.expunge(row)
    return Uploaded(row, known)


def remove_file(workspace: Workspace, visitor: Visitor, file_id: int) -> str:
    with transaction(workspace) as session:
        refuse_if_submitted(session, visitor)
        row = session.get(PortalFileRow, file_id)
        if row is None or row.questionnaire_id != visitor.questionnaire_id:
            raise NotFoundError("no such document")
        name = row.file_name
        session.connection().execute(
            sa.delete(PortalFileRow).where(col(PortalFileRow.id) == file_id)
        )
        event(session, visitor, "remove", name)
    return name


def portal_file(workspace: Workspace, visitor: Visitor, file_id: int) -> tuple[str, Path]:
    """An uploaded document of this questionnaire: its name and where its bytes are."""
    with transaction(workspace) as session:
        row = session.get(PortalFileRow, file_id)
        if row is None or row.questionnaire_id != visitor.questionnaire_id:
            raise NotFoundError("no such document")
        event(session, visitor, "download", row.file_name)
        return row.file_name, BlobStore(workspace.evidence_dir).path_for(row.sha256)


def portal_workbook(workspace: Workspace, visitor: Visitor) -> tuple[str, bytes]:
    """The questionnaire as a workbook with what the vendor gave (submitted, or the draft)."""
    questionnaire = issued_questionnaire(workspace, visitor.questionnaire_id).questionnaire
    data = render_workbook(questionnaire, submitted_answers(workspace, visitor))
    with transaction(workspace) as session:
        event(session, visitor, "download", "workbook")
    return f"{questionnaire.id}.xlsx", data


def load_workbook(
    workspace: Workspace, visitor: Visitor, path: Path, name: str
) -> tuple[Saved, list[str]]:
    """A filled workbook (or YAML/JSON copy) of this questionnaire, uploaded as `name`, read
    into the draft. Its answers and comments are checked by the one reader, and problems name
    `name`; documents are uploaded in the portal, so an Evidence sheet is not read (the notes
    returned say so)."""
    issued = issued_questionnaire(workspace, visitor.questionnaire_id)
    questionnaire = issued.questionnaire
    source = one_line(name)[:120] or path.name
    filled = read_filled(path, source, workspace.settings["max_content_bytes"])
    if filled.value("questionnaire") != questionnaire.id:
        raise InputError(
            f"this file is questionnaire '{filled.value('questionnaire')}', not {questionnaire.id}",
            hint="upload the workbook downloaded from this page, or the one sent to you for it",
        )
    notes = []
    if any(not _blank_row(f) for f in filled.files) or any(
        not _blank(e.evidence) for e in filled.entries.values()
    ):
        notes.append(
            "documents named in the file were not read: upload them under Documents, and pick "
            "the questions each supports"
        )
    filled = replace(
        filled,
        files=[],
        entries={
            cid: replace(e, evidence=Written(None, e.evidence.where))
            for cid, e in filled.entries.items()
        },
    )
    parsed, problems = inspect_submission(
        filled, questionnaire, path.parent, max_evidence_bytes=0, allow_unanswered=True
    )
    if problems:
        raise ContentError(
            problems, hint="nothing was stored; correct these in the file and upload it again"
        )
    # The values are read already; the draft's own reader accepts them as they are.
    written: dict[str, tuple[Any, Any]] = {
        cid: (value, parsed.comments.get(cid)) for cid, value in parsed.answers.items()
    }
    for cid, comment in parsed.comments.items():
        written.setdefault(cid, (None, comment))
    saved = save_answers(workspace, visitor, written)
    with transaction(workspace) as session:
        event(session, visitor, "load", f"{source}: {len(written)} question(s)")
    return saved, notes


def _blank(written: Written) -> bool:
    value = written.value
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _blank_row(item: Any) -> bool:
    return _blank(item.file) and _blank(item.kind)
