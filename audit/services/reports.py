"""Report use cases: a signed PDF per vendor audit run, a signed portfolio report, verification."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyhanko.sign import signers, timestamps

from audit.content.model import ContentSet
from audit.due import VendorCadence, next_assessment
from audit.errors import InputError, NotFoundError, WorkspaceError
from audit.locks import SHARED_FILE_MODE, temporary_file
from audit.model import Rating, Tier
from audit.report.keys import (
    CERT_FILE,
    KEY_FILE,
    SigningConfig,
    certificate_fingerprint,
    signing_config,
    workspace_certificate,
)
from audit.report.portfolio_pdf import render_portfolio_report
from audit.report.portfolio_view import FindingTally, PortfolioReport, build_portfolio_report
from audit.report.sign import SignatureRequest, embed_json, load_signer, sign_pdf, timestamper_for
from audit.report.vendor_pdf import render_vendor_report
from audit.report.verify import Verification, load_certificate, verify_pdf
from audit.report.view import (
    ACTIVE_FINDINGS,
    EvidenceFacts,
    RunFacts,
    build_vendor_report,
)
from audit.scoring.results import canonical_json, digest
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.evidence import EvidenceStatus, evidence_status
from audit.services.report_findings import findings_at, findings_json, statuses_read_at
from audit.services.runs import get_run
from audit.services.vendors import refresh_tiers
from audit.store import bulk, chain, evidence_rows, queries
from audit.store.tables import AuditRunRow
from audit.vendor import vendor_from_record
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ReportFile:
    path: Path
    signer: str
    size: int
    attachment_sha256: str


def run_facts(row: AuditRunRow) -> RunFacts:
    """What a report shows of a run, from its hashed result only: the score, rating and tier
    columns are copies for queries, and an edit of them must not reach a signed page."""
    result = row.result
    return RunFacts(
        row.id or 0,
        row.vendor_id,
        row.as_of,
        str(result.get("tier", row.tier)),
        float(result.get("score", row.score)),
        str(result.get("rating", row.rating)),
        str(result.get("band_rating", row.band_rating)),
        row.sha256,
        row.inputs,
        result,
    )


def evidence_facts(statuses: Sequence[EvidenceStatus]) -> list[EvidenceFacts]:
    """What a report (or an export) shows of each document a run used."""
    return [
        EvidenceFacts(
            s.evidence.id or 0,
            s.label,
            s.evidence.file_name,
            s.evidence.sha256,
            s.validity.valid_until,
            s.state.value,
            s.validity.basis,
        )
        for s in statuses
    ]


def check_run(run: AuditRunRow) -> None:
    """Refuse a run whose stored result no longer hashes to the hash recorded with it, before
    anything is rendered, signed or written."""
    if digest(run.result) != run.sha256:
        raise InputError(
            f"run #{run.id}: stored result does not hash to its recorded sha256 {run.sha256}; "
            "no report was written",
            hint="the database row was altered after the run was recorded",
        )


@dataclass(frozen=True, slots=True)
class Identity:
    config: SigningConfig
    signer: signers.SimpleSigner
    name: str


REPORT_TEMPORARY = ".audit-report-"  # reports being written, beside where they land
IDENTITY_KEY = "signing-identity:"  # ledger key prefix: one row per workspace certificate


def _known_identities(workspace: Workspace) -> set[str]:
    with reading(workspace) as session:
        return bulk.ledger_keys_with_prefix(session, IDENTITY_KEY)


def _remember_identity(workspace: Workspace, config: SigningConfig, known: set[str]) -> None:
    """Record the workspace certificate (not an organisation's configured one), once: if its
    files later disappear, reports refuse to make a new key behind the user's back."""
    if config.cert is None or config.cert.resolve().parent != workspace.keys_dir.resolve():
        return
    key = IDENTITY_KEY + certificate_fingerprint(config.cert)
    if key not in known:
        with transaction(workspace) as session:
            bulk.insert_ledger(
                session,
                [
                    {
                        "key": key,
                        "job": "keys",
                        "vendor_id": None,
                        "as_of": dt.date.today(),
                        "detail": json.dumps({"certificate": str(config.cert)}),
                        "created_at": dt.datetime.now(dt.UTC),
                    }
                ],
            )


def new_identity(workspace: Workspace) -> Path:
    """Start a new workspace signing identity on purpose (the old one's files are gone)."""
    folder = workspace.keys_dir
    if (folder / KEY_FILE).exists() or (folder / CERT_FILE).exists():
        raise InputError(
            f"{folder} already holds a signing identity; nothing was changed",
            hint="a new identity is for a workspace whose key was lost",
        )
    config = signing_config(workspace, create_identity=True)
    _remember_identity(workspace, config, _known_identities(workspace))
    assert config.cert is not None  # noqa: S101 - just made
    return config.cert


def signing_identity(workspace: Workspace) -> Identity:
    """The loaded signer and the name its certificate gives (shown on the cover page)."""
    known = _known_identities(workspace)
    config = signing_config(workspace, create_identity=not known)
    signer = load_signer(config)
    _remember_identity(workspace, config, known)
    cert = signer.signing_cert
    if cert is None:
        raise WorkspaceError("the signing key comes without a certificate")
    name = cert.subject.native.get("common_name") or cert.subject.human_friendly
    return Identity(config, signer, str(name))


def check_target(path: Path) -> None:
    """Refuse an output that cannot be a report file before any work is done (no key is
    made, nothing is signed): a folder, or a place where no folder can be made."""
    if path.is_dir():
        raise InputError(
            f"-o {path}: is a folder", hint=f"give a file name, such as {path / 'report.pdf'}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so that the report is whole or
    absent; a folder that cannot be written is a clear refusal that leaves nothing behind. The
    temporary file is locked while written: what a killed writer left, the next one removes."""
    check_target(path)  # makes the folder
    try:
        handle, temporary = temporary_file(path.parent, REPORT_TEMPORARY)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        # mkstemp makes the file private; a report is for colleagues, so it gets the mode any
        # file written here would (the umask decides), while the signing key stays 0600.
        os.fchmod(handle, SHARED_FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.replace(temporary, path)  # while still locked
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _finalise(
    identity: Identity,
    pdf: bytes,
    attachment: tuple[str, bytes, str],
    reason: str,
    path: Path,
    rendered_at: dt.datetime,
    timestamper: timestamps.TimeStamper | None,
    history: tuple[int, str],
    also: Sequence[tuple[str, bytes, str]] = (),
) -> ReportFile:
    """Attach the data (and any further files), sign the whole file (with the history chain's
    head), write it atomically."""
    name, data, description = attachment
    with_data = embed_json(pdf, name, data, description, rendered_at, history, also)
    signed = sign_pdf(
        with_data,
        identity.signer,
        SignatureRequest(reason=reason, location=None),
        timestamper or timestamper_for(identity.config.tsa_url),
    )
    _write_atomically(path, signed)
    return ReportFile(path, identity.name, len(signed), hashlib.sha256(data).hexdigest())


def vendor_report(
    workspace: Workspace,
    vendor_id: str,
    *,
    run_id: int | None = None,
    output: Path | None = None,
    rendered_at: dt.datetime | None = None,
    timestamper: timestamps.TimeStamper | None = None,
) -> ReportFile:
    """Render, attach, sign and write the report of a run (the newest by default)."""
    if output is not None:
        check_target(output)
    content = workspace_content(workspace)
    rendered_at = rendered_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    run = get_run(workspace, vendor_id, run_id)
    with reading(workspace) as session:
        vendor_row = queries.vendor(session, vendor_id)
        if vendor_row is None:
            raise NotFoundError(f"no vendor '{vendor_id}'")
        vendor = vendor_from_record(vendor_row.record)
        history = queries.runs(session, vendor_id)
        findings = queries.findings_of(session, vendor_id)
        events = queries.events(session, [f.id for f in findings if f.id is not None])
        held = evidence_rows.listing(session, vendor_id)
        submission = run.inputs.get("submission", {})
        questionnaire = queries.questionnaire(session, submission.get("questionnaire", ""))
        history_head = chain.head(session)
    for shown in (run, *history):  # the report and its trend show every one of them
        check_run(shown)
    opened = {r.id or 0: r.as_of for r in history}
    read_at, cutoff = statuses_read_at(run, history, rendered_at)
    standing = findings_at(findings, events, run, opened, cutoff)
    used = {e["id"] for e in run.inputs.get("evidence", ())}
    statuses = evidence_status([e for e in held if e.id in used], content.policy, run.as_of)
    report = build_vendor_report(
        run_facts(run),
        [run_facts(r) for r in history],
        vendor,
        content,
        standing,
        evidence_facts(statuses),
        (questionnaire.id, questionnaire.issued, questionnaire.due) if questionnaire else None,
        rendered_at,
        read_at,
    )
    identity = signing_identity(workspace)
    pdf = render_vendor_report(report, identity.name)
    data = canonical_json(run.result)
    path = output or workspace.reports_dir / f"{vendor_id}-{run.as_of.isoformat()}.pdf"
    result = _finalise(
        identity,
        pdf,
        ("audit-run.json", data, f"Audit run #{run.id} of {vendor_id}: canonical JSON"),
        f"Audit run #{run.id} of {vendor_id} as of {run.as_of}",
        path,
        rendered_at,
        timestamper,
        history_head,
        [
            (
                "findings.json",
                findings_json(run, standing, read_at),
                f"The findings of {vendor_id} as this report shows them, read at {read_at}",
            )
        ],
    )
    return result


def portfolio_view(
    workspace: Workspace, *, as_of: dt.date, rendered_at: dt.datetime
) -> tuple[PortfolioReport, tuple[int, str]]:
    """What the portfolio report shows on `as_of` (the dashboard shows the same), and the
    history chain's head when it was read."""
    content: ContentSet = workspace_content(workspace)
    refresh_tiers(workspace, content)
    # A few whole-table queries, whatever the portfolio's size: no query per vendor, and no
    # run's result JSON (a portfolio needs each run's date, score and rating only).
    with reading(workspace) as session:
        history_head = chain.head(session)
        stored = bulk.vendor_records(session)
        runs = bulk.run_scores(session)
        findings = [
            FindingTally(*row)
            for row in bulk.finding_tally(session, sorted(ACTIVE_FINDINGS), as_of)
        ]
    if not stored:
        raise InputError(
            "the register has no vendors", hint="import some with `audit vendors import`"
        )
    vendors = [vendor_from_record(record) for _, _, _, _, record in stored]
    tiers = {vid: str(tier) for vid, _, tier, _, _ in stored}
    cadence = content.policy.cadence
    next_due = {
        v.id: next_assessment(
            VendorCadence(
                v.id,
                Tier(tiers[v.id]),
                v.since,
                runs[v.id][-1][0] if v.id in runs else None,
                Rating(runs[v.id][-1][2]) if v.id in runs else None,
            ),
            cadence,
        )
        for v in vendors
    }
    report = build_portfolio_report(
        vendors, tiers, runs, next_due, findings, rendered_at, as_of, content.organisation.money
    )
    return report, history_head


def portfolio_report(
    workspace: Workspace,
    *,
    output: Path | None = None,
    rendered_at: dt.datetime | None = None,
    timestamper: timestamps.TimeStamper | None = None,
    as_of: dt.date | None = None,
) -> ReportFile:
    """The signed portfolio report on `as_of` (by default the day it is rendered)."""
    if output is not None:
        check_target(output)
    rendered_at = rendered_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    as_of = as_of or rendered_at.date()
    report, history_head = portfolio_view(workspace, as_of=as_of, rendered_at=rendered_at)
    identity = signing_identity(workspace)
    pdf = render_portfolio_report(report, identity.name)
    data = canonical_json(dataclasses.asdict(report))
    path = output or workspace.reports_dir / f"portfolio-{as_of.isoformat()}.pdf"
    return _finalise(
        identity,
        pdf,
        ("portfolio.json", data, "Portfolio report data: canonical JSON"),
        "Outsourcing portfolio report",
        path,
        rendered_at,
        timestamper,
        history_head,
    )


def verify_report(
    workspace: Workspace | None, pdf_path: Path, cert: Path | None = None
) -> Verification:
    """Check a signed report; trust `cert`, else the workspace's signing certificate."""
    if not pdf_path.is_file():
        raise InputError(f"{pdf_path}: no such file")
    trusted_path = cert or (workspace_certificate(workspace) if workspace else None)
    trusted = load_certificate(trusted_path) if trusted_path else None
    return verify_pdf(pdf_path.read_bytes(), trusted)
