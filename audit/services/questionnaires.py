"""Issuing questionnaires: build one party's document for a vendor, record what was asked, write
it as a workbook, YAML or JSON, and e-mail it to the vendor's contacts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from audit.errors import InputError, NotFoundError
from audit.model import Respondent
from audit.notify import DEFAULT_FROM, Attachment, Notice, Outbox, smtp_config
from audit.questionnaire.channels import channel_for
from audit.questionnaire.document import (
    Questionnaire,
    Requester,
    build_questionnaire,
    display_data,
    question_spec,
)
from audit.questionnaire.mail import Link, issue_message, link_message
from audit.scoping import scope_vendor
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.links import IssuedLink, issue_link, token_hash
from audit.services.vendors import load_vendor, vendor_facts
from audit.store import queries
from audit.store.tables import QuestionnaireRow
from audit.vendor import Vendor
from audit.workspace import Workspace

PREFIX = {Respondent.VENDOR: "Q", Respondent.ASSESSOR: "R"}


@dataclass(frozen=True, slots=True)
class Delivery:
    """An e-mail carrying a questionnaire: queued in the outbox, and sent when SMTP is set."""

    to: tuple[str, ...]
    queued: Path
    sent: bool
    error: str | None


@dataclass(frozen=True, slots=True)
class Issued:
    questionnaire: Questionnaire
    path: Path
    data: bytes
    delivery: Delivery | None = None
    link: IssuedLink | None = None
    still_open: tuple[str, ...] = ()  # the same part, issued before, with no final answers yet


def requester(workspace: Workspace, vendor: Vendor) -> Requester:
    """Who asks: the organisation, and whom to ask (the configured contact, else the owner)."""
    settings = workspace.settings
    return Requester(
        settings["organisation_name"], settings["organisation_contact"] or vendor.owner
    )


def previous_answers(workspace: Workspace, vendor_id: str, part: Respondent) -> dict[str, Any]:
    """The vendor's most recent final answers of one part, by control."""
    with reading(workspace) as session:
        latest = queries.latest_submission(session, vendor_id, part.value)
        if latest is None or latest.id is None:
            return {}
        return {
            a.control_id: a.value
            for a in queries.answers(session, latest.id)
            if a.value is not None
        }


def _new_id(session: Session, part: Respondent, vendor_id: str, issued: dt.date) -> str:
    base = f"{PREFIX[part]}-{vendor_id}-{issued:%Y%m%d}"
    taken = queries.questionnaire_ids_on(session, vendor_id, issued)
    number, candidate = 2, base
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def spec_body(questionnaire: Questionnaire) -> tuple[str, dict[str, Any]]:
    """What is stored of the questions (shared by every questionnaire with the same content),
    and its hash; pre-filled answers are stored per questionnaire."""
    body = {
        "questions": [question_spec(q, False) for q in questionnaire.questions],
        "kinds": {k.id: list(k.dates) for k in questionnaire.kinds},
        "kind_labels": {k.id: k.label for k in questionnaire.kinds},
        "display": display_data(questionnaire),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest(), body


def issue_questionnaire(
    workspace: Workspace,
    vendor_id: str,
    *,
    output: Path | None = None,
    issued: dt.date | None = None,
    due: dt.date | None = None,
    part: Respondent = Respondent.VENDOR,
    prefill: bool = False,
    send: bool = False,
    link: bool = False,
) -> Issued:
    """Write one party's questionnaire and record it; refuses to overwrite an existing file.
    With `link`, also a portal link, which the e-mail (with `send`) carries."""
    content = workspace_content(workspace)
    vendor = load_vendor(workspace, vendor_id)
    issued = issued or dt.date.today()
    due = due or issued + dt.timedelta(days=content.policy.cadence.response_days)
    if due < issued:
        raise InputError(f"due date {due} is before the issue date {issued}")
    if send and part is Respondent.VENDOR and not vendor.contacts:
        raise InputError(
            f"{vendor_id} has no contacts to send the questionnaire to; nothing was issued",
            hint="add contacts to the vendor's record (`audit vendors import FILE --update`), "
            "or issue without --send and send the file yourself",
        )
    facts = vendor_facts(vendor, content)
    scope = scope_vendor(content, facts)
    previous = previous_answers(workspace, vendor_id, part)
    with reading(workspace) as session:
        questionnaire_id = _new_id(session, part, vendor_id, issued)
        still_open = tuple(
            q.id
            for q in queries.questionnaires(session, vendor_id)
            if q.part == part.value
            and not any(s.status == "final" for s in queries.submissions(session, q.id))
        )
    questionnaire = build_questionnaire(
        questionnaire_id,
        part=part,
        vendor=(vendor.id, vendor.name),
        scope=scope,
        facts=facts,
        policy=content.policy,
        dates=(issued, due),
        requester=requester(workspace, vendor),
        previous=previous,
        prefill=prefill,
    )
    if not questionnaire.questions:
        raise InputError(
            f"no questions for the {part} are in scope for {vendor_id}; nothing issued"
        )
    folder = workspace.root / "questionnaires"
    path = output or folder / f"{questionnaire_id}.{workspace.settings['questionnaire_format']}"
    if path.exists():
        raise InputError(
            f"{path} already exists; nothing was issued", hint="choose another file with -o"
        )
    data = channel_for(path).write(questionnaire)
    _record(workspace, questionnaire, path, data, prefill)
    made = issue_link(workspace, questionnaire.id) if link else None
    delivery = (
        send_questionnaire(workspace, vendor, questionnaire, path, data, made) if send else None
    )
    return Issued(questionnaire, path, data, delivery, made, still_open)


def _record(
    workspace: Workspace, questionnaire: Questionnaire, path: Path, data: bytes, prefill: bool
) -> None:
    """The record and the file together: a failed transaction leaves no file behind."""
    sha, body = spec_body(questionnaire)
    written = False
    try:
        with transaction(workspace) as session:
            queries.save_question_spec(session, sha, body)
            session.add(
                QuestionnaireRow(
                    id=questionnaire.id,
                    vendor_id=questionnaire.vendor_id,
                    part=questionnaire.part.value,
                    issued=questionnaire.issued,
                    due=questionnaire.due,
                    checklists=dict(questionnaire.checklists),
                    controls=[q.id for q in questionnaire.questions],
                    content_sha256=questionnaire.sha256,
                    spec_sha256=sha,
                    prefill={
                        q.id: q.previous for q in questionnaire.questions if q.previous is not None
                    }
                    if prefill
                    else None,
                )
            )
            session.flush()
            path.parent.mkdir(parents=True, exist_ok=True)
            # Private to its owner, like .audit/: it names the vendor's services, data and
            # last cycle's answers. Sending it is a deliberate act (--send, or by hand).
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                written = True
                handle.write(data)
        written = False  # committed: the file stays
    finally:
        if written:
            path.unlink(missing_ok=True)


def questionnaire_notice(
    questionnaire: Questionnaire,
    vendor: Vendor,
    path: Path,
    data: bytes,
    key: str,
    link: IssuedLink | None = None,
) -> Notice:
    """The e-mail that carries a questionnaire (and its portal link) to the vendor's contacts."""
    subject, body = issue_message(questionnaire, path.name, mail_link(link))
    # The assessor's part never goes to the vendor: it is the client's own review.
    vendor_side = questionnaire.part is Respondent.VENDOR and vendor.contacts
    return Notice(
        key,
        tuple(c.email for c in vendor.contacts) if vendor_side else (vendor.owner,),
        subject,
        body,
        attachments=(Attachment(path.name, data, channel_for(path).mime),),
        reply_to=questionnaire.requester.contact,
    )


def mail_link(link: IssuedLink | None) -> Link | None:
    return None if link is None else Link(link.url, link.expires_at.date())


def send_questionnaire(
    workspace: Workspace,
    vendor: Vendor,
    questionnaire: Questionnaire,
    path: Path,
    data: bytes,
    link: IssuedLink | None = None,
) -> Delivery:
    """Queue the e-mail in the outbox first, then send what is pending if SMTP is configured."""
    config = smtp_config(workspace)
    outbox = Outbox(workspace.outbox_dir)
    notice = questionnaire_notice(
        questionnaire, vendor, path, data, f"issue:{questionnaire.id}", link
    )
    queued = outbox.queue(
        notice, config.sender if config else DEFAULT_FROM, dt.datetime.now(dt.UTC)
    )
    if config is None:
        return Delivery(notice.to, queued, False, None)
    _, _, error = outbox.flush(config)
    return Delivery(notice.to, queued, error is None, error)


def new_link(
    workspace: Workspace,
    questionnaire_id: str,
    *,
    send: bool = False,
    until: dt.date | None = None,
) -> tuple[IssuedLink, Delivery | None]:
    """A new portal link to an issued questionnaire, e-mailed to the vendor's contacts with
    `send` (refused before any link is made when the vendor has no contacts)."""
    with reading(workspace) as session:
        row = queries.questionnaire(session, questionnaire_id)
    if row is None:
        raise NotFoundError(
            f"no questionnaire '{questionnaire_id}'",
            hint="`audit questionnaire list` shows the questionnaires issued",
        )
    vendor = load_vendor(workspace, row.vendor_id)
    if send and not vendor.contacts:
        raise InputError(
            f"{vendor.id} has no contacts to send the link to; no link was made",
            hint="add contacts to the vendor's record, or make the link without --send",
        )
    made = issue_link(workspace, questionnaire_id, until=until)
    if not send:
        return made, None
    subject, body = link_message(
        row.id,
        vendor.name,
        row.due,
        Link(made.url, made.expires_at.date()),
        (workspace.settings["organisation_name"], requester(workspace, vendor).contact),
    )
    # Each link is new, so each e-mail is: its key holds the link's token hash, never the token.
    notice = Notice(
        f"link:{row.id}:{token_hash(made.url.rsplit('/', 1)[-1])[:16]}",
        tuple(c.email for c in vendor.contacts),
        subject,
        body,
        reply_to=requester(workspace, vendor).contact,
    )
    config = smtp_config(workspace)
    outbox = Outbox(workspace.outbox_dir)
    queued = outbox.queue(
        notice, config.sender if config else DEFAULT_FROM, dt.datetime.now(dt.UTC)
    )
    if config is None:
        return made, Delivery(notice.to, queued, False, None)
    _, _, error = outbox.flush(config)
    return made, Delivery(notice.to, queued, error is None, error)
