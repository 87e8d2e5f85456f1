"""The database tables. Rows that record what happened (revisions, submissions, answers,
evidence) are only ever inserted: corrections are new rows, so nothing is silently lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class VendorRow(SQLModel, table=True):
    """The current facts of a vendor; every version is also kept in vendor_revision."""

    __tablename__ = "vendor"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    criticality: str = Field(max_length=20, index=True)
    delivery: str = Field(max_length=20)
    owner: str = Field(max_length=254)
    onboarded: dt.date | None = None
    since: dt.date | None = None  # onboarding, else contract start: where cadence starts
    record: dict[str, Any] = _json()
    revision: int = 1
    # The inherent tier, materialised so that listing and filtering a large register is one
    # indexed query; `tier_policy` is the hash of the policy that computed it, and rows whose
    # hash differs from the current policy are recomputed before they are read.
    tier: str | None = Field(default=None, max_length=20, index=True)
    tier_points: int | None = None
    tier_reasons: list[str] | None = _json(nullable=True)
    tier_policy: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()


class VendorRevision(SQLModel, table=True):
    __tablename__ = "vendor_revision"
    __table_args__ = (UniqueConstraint("vendor_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64)
    revision: int
    record: dict[str, Any] = _json()
    source: str = Field(max_length=500)
    changed_at: dt.datetime = _stamp()


class QuestionSpecRow(SQLModel, table=True):
    """The questions of issued questionnaires as a reader needs them, stored once per distinct
    content (vendors with the same scope share one row)."""

    __tablename__ = "question_spec"

    sha256: str = Field(primary_key=True, max_length=64)
    body: dict[str, Any] = _json()
    created_at: dt.datetime = _stamp()


class QuestionnaireRow(SQLModel, table=True):
    """An issued questionnaire: one party's part (`vendor` or `assessor`). Its file is read back
    against `spec_sha256` and `prefill`, exactly as issued, whatever changed since."""

    __tablename__ = "questionnaire"

    id: str = Field(primary_key=True, max_length=80)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64, index=True)
    part: str = Field(default="vendor", max_length=20)
    issued: dt.date
    due: dt.date = Field(index=True)
    checklists: dict[str, Any] = _json()
    controls: list[str] = _json()
    content_sha256: str = Field(max_length=64)  # the questionnaire's hash (its reading spec)
    spec_sha256: str | None = Field(default=None, max_length=64, foreign_key="question_spec.sha256")
    prefill: dict[str, Any] | None = _json(nullable=True)
    created_at: dt.datetime = _stamp()


class SubmissionRow(SQLModel, table=True):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "version"),
        Index("ix_submission_vendor_imported", "vendor_id", "imported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(foreign_key="questionnaire.id", max_length=80)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64)
    version: int
    source_name: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    answered: int
    unanswered: int
    status: str = Field(default="final", max_length=10)  # draft | final
    completed_by: str | None = Field(default=None, max_length=200)
    imported_at: dt.datetime = _stamp()


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("submission_id", "control_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id")
    control_id: str = Field(max_length=20)
    value: Any = _json(nullable=True)
    comment: str | None = None
    evidence: list[int] = _json()  # evidence ids the vendor cited for this control


class EvidenceRow(SQLModel, table=True):
    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("vendor_id", "sha256", "kind"),
        Index("ix_evidence_vendor_kind", "vendor_id", "kind"),
        Index("ix_evidence_vendor_kind_until", "vendor_id", "kind", "valid_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64)
    kind: str = Field(max_length=64)
    sha256: str = Field(max_length=64, index=True)
    file_name: str = Field(max_length=255)
    size: int
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_end: dt.date | None = None
    period_start: dt.date | None = None  # a report's period start (SOC reports)
    audited: dt.date | None = None  # a certificate's last surveillance or recertification audit
    controls: list[str] = _json()
    submission_id: int | None = Field(default=None, foreign_key="submission.id")
    added_at: dt.datetime = _stamp()
    # Derived: the last day it is current (None: it does not expire) under the policy whose
    # hash is in window_policy; recomputed when the policy changes (see services.evidence).
    valid_until: dt.date | None = Field(default=None, index=True)
    window_policy: str | None = Field(default=None, max_length=64)


class AuditRunRow(SQLModel, table=True):
    """One assessment, immutable once written: its inputs, its result and the result's hash."""

    __tablename__ = "audit_run"
    __table_args__ = (Index("ix_audit_run_vendor_as_of", "vendor_id", "as_of"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64)
    as_of: dt.date
    tier: str = Field(max_length=20)
    score: float
    rating: str = Field(max_length=20)
    band_rating: str = Field(max_length=20)
    sha256: str = Field(max_length=64)
    submission_id: int | None = Field(default=None, foreign_key="submission.id")
    # The assessor's part (contract review), when one was answered.
    review_submission_id: int | None = Field(default=None, foreign_key="submission.id")
    inputs: dict[str, Any] = _json()
    result: dict[str, Any] = _json()
    created_at: dt.datetime = _stamp()


class FindingRow(SQLModel, table=True):
    """The current state of a finding; its history is in finding_event."""

    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("vendor_id", "control_id"),
        Index("ix_finding_status_due", "status", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: str = Field(foreign_key="vendor.id", max_length=64)
    control_id: str = Field(max_length=20)
    severity: str = Field(max_length=20)
    status: str = Field(max_length=20)
    due: dt.date
    opened_run_id: int = Field(foreign_key="audit_run.id")
    last_seen_run_id: int = Field(foreign_key="audit_run.id")
    resolved_run_id: int | None = Field(default=None, foreign_key="audit_run.id")
    owner: str | None = Field(default=None, max_length=254)
    accepted_until: dt.date | None = None
    accepted_reason: str | None = None
    approver: str | None = Field(default=None, max_length=200)
    updated_at: dt.datetime = _stamp()


class FindingEventRow(SQLModel, table=True):
    """Every change to a finding: who, when, why. Only ever inserted."""

    __tablename__ = "finding_event"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="audit_run.id")
    at: dt.datetime = _stamp()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    note: str | None = None


class LedgerRow(SQLModel, table=True):
    """One action the scheduler took. Its unique key makes every job idempotent: a job that
    finds its key already here has done that action before and does nothing."""

    __tablename__ = "scheduler_ledger"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    job: str = Field(max_length=40, index=True)
    vendor_id: str | None = Field(default=None, max_length=64)
    as_of: dt.date
    detail: str
    created_at: dt.datetime = _stamp()


class ChainRow(SQLModel, table=True):
    """One entry of the tamper-evident history (audit/store/chain.py): a submission, run or
    finding event, and the hash of its content chained to the entry before it."""

    __tablename__ = "history_chain"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    seq: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    ref_id: int
    sha256: str = Field(max_length=64)


class QuestionnaireLinkRow(SQLModel, table=True):
    """A link that opens a questionnaire in the portal without an account. Only the SHA-256 of
    its token is kept: the token itself exists in the link sent, and nowhere here."""

    __tablename__ = "questionnaire_link"

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(foreign_key="questionnaire.id", max_length=80, index=True)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _stamp()
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class PortalAnswerRow(SQLModel, table=True):
    """The vendor's working copy in the portal: one row per question, saved as it is given.
    Submitting turns it into a final submission version; until then it is a draft."""

    __tablename__ = "portal_answer"

    questionnaire_id: str = Field(foreign_key="questionnaire.id", max_length=80, primary_key=True)
    control_id: str = Field(max_length=80, primary_key=True)
    value: Any = _json(nullable=True)
    comment: str | None = Field(default=None, max_length=4000)
    updated_at: dt.datetime = _stamp()


class PortalFileRow(SQLModel, table=True):
    """A document uploaded in the portal: its bytes are in the content-addressed store; it
    becomes the vendor's evidence when the questionnaire is submitted."""

    __tablename__ = "portal_file"
    __table_args__ = (UniqueConstraint("questionnaire_id", "sha256", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(foreign_key="questionnaire.id", max_length=80, index=True)
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    size: int
    kind: str = Field(max_length=64)
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    audited: dt.date | None = None
    controls: list[str] = _json()
    uploaded_at: dt.datetime = _stamp()


class PortalEventRow(SQLModel, table=True):
    """What a vendor did in the portal, when, and from which address."""

    __tablename__ = "portal_event"

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: str = Field(foreign_key="questionnaire.id", max_length=80, index=True)
    at: dt.datetime = _stamp()
    action: str = Field(max_length=40)
    address: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=500)


class UserRow(SQLModel, table=True):
    """A person who signs in to the dashboard: an officer runs audits, a viewer (the risk
    committee) reads, an admin also manages users. Never deleted: a disabled account keeps
    the name its past actions were recorded under."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=10)
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id; None: OIDC only
    oidc_subject: str | None = Field(default=None, max_length=400, unique=True)  # issuer|sub
    disabled: bool = False
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    last_login_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ActivityRow(SQLModel, table=True):
    """What a person did through the dashboard or the CLI, under their name: sign-ins, account
    changes, triage, links, reports. Only ever inserted."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _stamp()
    actor: str = Field(max_length=254, index=True)
    action: str = Field(max_length=40)
    subject: str | None = Field(default=None, max_length=200)
    detail: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=64)


class RoiRevision(SQLModel, table=True):
    """The facts of the DORA register of information that are not a vendor's own record (the
    organisation's entities and functions, the providers' identifiers, the arrangements, the
    ICT services and supply chains), as a whole document per revision; the newest is current.
    Only ever inserted: an import that changes a section makes a new revision."""

    __tablename__ = "roi_revision"

    id: int | None = Field(default=None, primary_key=True)
    revision: int = Field(unique=True)
    document: dict[str, Any] = _json()
    source: str = Field(max_length=500)
    changed: str = Field(max_length=2000)  # the sections and row counts the import replaced
    changed_at: dt.datetime = _stamp()
