"""What the officers' dashboard reads: the portfolio on a day, a searchable register, one vendor
whole, and the questionnaires that are out. Read models only: every change goes through the
services the CLI uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select

from audit.findings import ACTIVE
from audit.report.portfolio_view import PortfolioReport
from audit.services.content import workspace_content
from audit.services.database import reading
from audit.services.evidence import EvidenceStatus, list_evidence
from audit.services.findings import FindingView, list_findings
from audit.services.reports import portfolio_view
from audit.services.vendor_edits import Revision, revisions
from audit.services.vendors import VendorDetail, show_vendor, vendor_listing
from audit.store import bulk, queries
from audit.store.tables import (
    AuditRunRow,
    PortalAnswerRow,
    QuestionnaireLinkRow,
    QuestionnaireRow,
    SubmissionRow,
)
from audit.vendor import vendor_from_record
from audit.workspace import Workspace

DUE_WINDOW = 30  # days ahead the dashboard lists as "due soon"


@dataclass(frozen=True, slots=True)
class OutQuestionnaire:
    """A questionnaire sent and not yet answered in final: how far its vendor has got."""

    id: str
    vendor_id: str
    part: str
    issued: dt.date
    due: dt.date
    asked: int
    answered: int
    link_open: bool
    overdue: bool


@dataclass(frozen=True, slots=True)
class Expiring:
    """A vendor's newest document of a kind that has expired or soon will."""

    id: int
    vendor_id: str
    kind: str
    file_name: str
    valid_until: dt.date
    days_left: int


@dataclass(frozen=True, slots=True)
class Overview:
    portfolio: PortfolioReport
    due: tuple[tuple[str, int, int], ...]  # (what, overdue, due within DUE_WINDOW days)
    expiring: tuple[Expiring, ...]  # the first few, soonest first
    out: tuple[OutQuestionnaire, ...]


def questionnaires_out(
    workspace: Workspace, today: dt.date, vendor_id: str | None = None
) -> list[OutQuestionnaire]:
    """Questionnaires with no final submission, with their progress: the newest draft's answers
    or the portal's saved answers, whichever is further on."""
    now = dt.datetime.now(dt.UTC)
    with reading(workspace) as session:
        final = select(SubmissionRow.questionnaire_id).where(SubmissionRow.status == "final")
        query = select(QuestionnaireRow).where(col(QuestionnaireRow.id).not_in(final))
        if vendor_id is not None:
            query = query.where(QuestionnaireRow.vendor_id == vendor_id)
        rows = session.exec(query.order_by(col(QuestionnaireRow.due))).all()
        ids = [r.id for r in rows]
        drafts = dict(
            session.exec(
                select(SubmissionRow.questionnaire_id, func.max(SubmissionRow.answered))
                .where(col(SubmissionRow.questionnaire_id).in_(ids))
                .group_by(col(SubmissionRow.questionnaire_id))
            ).all()
        )
        saved = dict(
            session.exec(
                select(PortalAnswerRow.questionnaire_id, func.count())
                .where(col(PortalAnswerRow.questionnaire_id).in_(ids))
                .where(sa.not_(col(PortalAnswerRow.value).is_(None)))
                .group_by(col(PortalAnswerRow.questionnaire_id))
            ).all()
        )
        open_links = set(
            session.exec(
                select(QuestionnaireLinkRow.questionnaire_id)
                .where(col(QuestionnaireLinkRow.questionnaire_id).in_(ids))
                .where(col(QuestionnaireLinkRow.revoked_at).is_(None))
                .where(col(QuestionnaireLinkRow.expires_at) > now)
            ).all()
        )
    return [
        OutQuestionnaire(
            r.id,
            r.vendor_id,
            r.part,
            r.issued,
            r.due,
            len(r.controls),
            max(drafts.get(r.id, 0) or 0, saved.get(r.id, 0) or 0),
            r.id in open_links,
            r.due < today,
        )
        for r in rows
    ]


SHOWN_EXPIRING = 25


def overview(workspace: Workspace, today: dt.date) -> Overview:
    """The portfolio on `today`, and what is due: counted by the database, whatever the
    portfolio's size (a page never lists every overdue finding of thousands of vendors)."""
    rendered = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report, _ = portfolio_view(workspace, as_of=today, rendered_at=rendered)
    soon = today + dt.timedelta(days=DUE_WINDOW)
    out = questionnaires_out(workspace, today)
    unresolved = [s.value for s in ACTIVE]  # accepted risks are not due
    window = bulk.expiring_evidence_query(soon).subquery()
    ends: Any = window.c.valid_until
    with reading(workspace) as session:
        late_findings = queries.count_findings(session, statuses=unresolved, due_before=today)
        soon_findings = (
            queries.count_findings(
                session, statuses=unresolved, due_before=soon + dt.timedelta(days=1)
            )
            - late_findings
        )
        connection = session.connection()
        expired = connection.execute(
            sa.select(func.count()).select_from(window).where(ends < today)
        ).scalar_one()
        ending = connection.execute(
            sa.select(func.count()).select_from(window).where(ends >= today)
        ).scalar_one()
        first = connection.execute(
            sa.select(window).order_by(ends, window.c.id).limit(SHOWN_EXPIRING)
        ).all()
    labels = workspace_content(workspace).policy.evidence_kinds
    due = (
        (
            "assessments",
            sum(1 for v in report.vendors if v.overdue),
            sum(1 for v in report.vendors if not v.overdue and v.next_due <= soon.isoformat()),
        ),
        (
            "questionnaires",
            sum(1 for q in out if q.overdue),
            sum(1 for q in out if not q.overdue and q.due <= soon),
        ),
        ("evidence", int(expired), int(ending)),
        ("findings", late_findings, soon_findings),
    )
    expiring = tuple(
        Expiring(
            int(row.id),
            str(row.vendor_id),
            labels[row.kind].label if row.kind in labels else str(row.kind),
            str(row.file_name),
            row.valid_until,
            (row.valid_until - today).days,
        )
        for row in first
    )
    return Overview(report, due, expiring, tuple(out))


@dataclass(frozen=True, slots=True)
class VendorRow:
    id: str
    name: str
    tier: str
    points: int
    rating: str
    score: float | None
    last_assessed: dt.date | None
    next_due: dt.date
    overdue: bool
    services: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VendorSearch:
    text: str = ""
    tier: str = ""
    rating: str = ""
    due: str = ""  # "overdue", "soon" (within DUE_WINDOW days) or ""
    service: str = ""
    country: str = ""


def search_vendors(
    workspace: Workspace, search: VendorSearch, today: dt.date, page: int, per_page: int
) -> tuple[list[VendorRow], int]:
    """A page of the register matching every filter given, and how many match in all."""
    listed = vendor_listing(workspace)
    with reading(workspace) as session:
        records = {vid: record for vid, _, _, _, record in bulk.vendor_records(session)}
    text = search.text.strip().lower()
    rows = []
    for v in listed:
        vendor = vendor_from_record(records[v.id])
        services = tuple(s.value for s in vendor.services)
        row = VendorRow(
            v.id,
            v.name,
            v.tier,
            v.points,
            v.last_rating or "not assessed",
            v.last_score,
            v.last_assessed,
            v.next_due,
            v.next_due < today,
            services,
            tuple(vendor.countries),
        )
        if text and text not in v.id.lower() and text not in v.name.lower():
            continue
        if search.tier and row.tier != search.tier:
            continue
        if search.rating and row.rating != search.rating:
            continue
        if search.due == "overdue" and not row.overdue:
            continue
        if search.due == "soon" and not (
            today <= row.next_due <= today + dt.timedelta(days=DUE_WINDOW)
        ):
            continue
        if search.service and search.service not in services:
            continue
        if search.country and search.country.upper() not in row.countries:
            continue
        rows.append(row)
    start = max(0, (page - 1) * per_page)
    return rows[start : start + per_page], len(rows)


@dataclass(frozen=True, slots=True)
class VendorPage:
    detail: VendorDetail
    revisions: tuple[Revision, ...]
    runs: tuple[tuple[int, dt.date, float, str, str], ...]  # id, as_of, score, rating, tier
    findings: tuple[FindingView, ...]
    evidence: tuple[EvidenceStatus, ...]
    out: tuple[OutQuestionnaire, ...]


def vendor_page(workspace: Workspace, vendor_id: str, today: dt.date) -> VendorPage:
    detail = show_vendor(workspace, vendor_id)
    query = (
        sa.select(
            col(AuditRunRow.id),
            col(AuditRunRow.as_of),
            col(AuditRunRow.score),
            col(AuditRunRow.rating),
            col(AuditRunRow.tier),
        )
        .where(col(AuditRunRow.vendor_id) == vendor_id)
        .order_by(col(AuditRunRow.as_of), col(AuditRunRow.id))
    )
    with reading(workspace) as session:
        runs: Sequence[Any] = session.connection().execute(query).all()
    findings, _ = list_findings(workspace, vendor_id=vendor_id, as_of=today)
    evidence, _ = list_evidence(workspace, vendor_id, as_of=today)
    return VendorPage(
        detail,
        tuple(revisions(workspace, vendor_id)),
        tuple((int(i), a, float(s), str(r), str(t)) for i, a, s, r, t in runs),
        tuple(findings),
        tuple(evidence),
        tuple(questionnaires_out(workspace, today, vendor_id)),
    )
