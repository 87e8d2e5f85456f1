"""Evidence use cases: add a file for a vendor, list evidence with its validity and state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from sqlmodel import Session

from audit.content.model import Policy
from audit.errors import ContentError, InputError, Problem
from audit.evidence.store import BlobStore, check_file
from audit.evidence.validity import EvidenceDates, EvidenceState, Validity, required_dates, validity
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.vendors import load_vendor
from audit.store import bulk, evidence_rows
from audit.store.tables import EvidenceRow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Added:
    evidence: EvidenceRow
    stored_new_bytes: bool
    already_registered: bool


@dataclass(frozen=True, slots=True)
class EvidenceStatus:
    evidence: EvidenceRow
    label: str
    validity: Validity
    state: EvidenceState


def add_evidence(
    workspace: Workspace,
    vendor_id: str,
    path: Path,
    kind: str,
    *,
    issued: dt.date | None = None,
    expires: dt.date | None = None,
    period_end: dt.date | None = None,
    controls: Sequence[str] = (),
    period_start: dt.date | None = None,
    audited: dt.date | None = None,
) -> Added:
    """Store the file once (content-addressed) and register it for the vendor."""
    content = workspace_content(workspace)
    load_vendor(workspace, vendor_id)
    source = str(path)
    problems = []
    evidence_kind = content.policy.evidence_kinds.get(kind)
    if evidence_kind is None:
        known = ", ".join(sorted(content.policy.evidence_kinds))
        problems.append(Problem(source, f"unknown evidence kind '{kind}' (known: {known})"))
    else:
        given = {
            "issued": issued,
            "expires": expires,
            "period_end": period_end,
            "period_start": period_start,
            "audited": audited,
        }
        for name in required_dates(evidence_kind):
            if given[name] is None:
                flag = "--" + name.replace("_", "-")
                problems.append(Problem(source, f"evidence of kind {kind} needs {flag} DATE"))
    unknown = [c for c in controls if c.upper() not in content.controls]
    problems += [Problem(source, f"unknown control '{c}'") for c in unknown]
    if issued and expires and expires < issued:
        problems.append(Problem(source, "--expires is before --issued"))
    if period_start and period_end and period_end < period_start:
        problems.append(Problem(source, "--period-end is before --period-start"))
    if problems:
        raise ContentError(problems, hint="nothing was stored")
    limit = workspace.settings["max_evidence_bytes"]
    check_file(path, limit)
    blob = BlobStore(workspace.evidence_dir).put(path, limit)
    control_ids = sorted({c.upper() for c in controls})
    wanted: dict[str, object] = {
        "issued": issued,
        "expires": expires,
        "period_end": period_end,
        "period_start": period_start,
        "audited": audited,
        "controls": control_ids,
    }
    with transaction(workspace) as session:
        existing = evidence_rows.by_hash(session, vendor_id, blob.sha256, kind)
        if existing is not None:
            have = {k: getattr(existing, k) for k in wanted}
            have["controls"] = sorted(existing.controls)
            if have != wanted:
                raise InputError(
                    f"this file is already evidence #{existing.id} of {vendor_id} as {kind}, "
                    "with other dates or controls; nothing was changed",
                    hint="evidence is never edited in place: add the corrected document",
                )
            return Added(existing, blob.new, already_registered=True)
        row = EvidenceRow(
            vendor_id=vendor_id,
            kind=kind,
            sha256=blob.sha256,
            file_name=path.name,
            size=blob.size,
            issued=issued,
            expires=expires,
            period_end=period_end,
            period_start=period_start,
            audited=audited,
            controls=control_ids,
        )
        session.add(row)
        session.flush()
        record_windows(session, content.policy, [vendor_id])
    return Added(row, blob.new, already_registered=False)


class DatedEvidence(Protocol):
    """What validity reads of a piece of evidence: a stored row, or its columns alone."""

    @property
    def vendor_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def issued(self) -> dt.date | None: ...
    @property
    def expires(self) -> dt.date | None: ...
    @property
    def period_end(self) -> dt.date | None: ...
    @property
    def period_start(self) -> dt.date | None: ...
    @property
    def audited(self) -> dt.date | None: ...


D = TypeVar("D", bound=DatedEvidence)


def _dates(row: DatedEvidence) -> EvidenceDates:
    return EvidenceDates(
        row.kind, row.issued, row.expires, row.period_end, row.period_start, row.audited
    )


def evidence_windows(
    rows: Sequence[D], policy: Policy, context: Sequence[DatedEvidence] | None = None
) -> Iterator[tuple[D, str, Validity, bool]]:
    """Each row with its kind's label, the window in which it is current, and whether its kind
    is still in the policy; bridge letters of the same vendor extend SOC reports. `context` is
    every document of the rows' vendors when `rows` is only some of them (a page, a filter)."""
    by_vendor: dict[str, list[EvidenceDates]] = {}
    for other in rows if context is None else context:
        by_vendor.setdefault(other.vendor_id, []).append(_dates(other))
    for row in rows:
        kind = policy.evidence_kinds.get(row.kind)
        if kind is None:  # a kind removed from the policy since: say so rather than guess
            yield row, row.kind, Validity(None, None, "kind no longer in the policy"), False
        else:
            bridges = by_vendor.get(row.vendor_id, [])
            yield row, kind.label, validity(kind, _dates(row), bridges), True


def evidence_status(
    rows: Sequence[EvidenceRow],
    policy: Policy,
    as_of: dt.date,
    context: Sequence[DatedEvidence] | None = None,
) -> list[EvidenceStatus]:
    """Validity and state of each row (evidence of a kind no longer in the policy is expired);
    `context` as for `evidence_windows`."""
    within = policy.cadence.expiring_within_days
    return [
        EvidenceStatus(
            row,
            label,
            window,
            window.state(as_of, within) if known else EvidenceState.EXPIRED,
        )
        for row, label, window, known in evidence_windows(rows, policy, context)
    ]


def record_windows(session: Session, policy: Policy, vendor_ids: Sequence[str]) -> int:
    """Store the window of each piece of these vendors' evidence, computed under `policy`, in
    the caller's transaction: called where evidence is added (a bridge letter moves the end of
    the vendor's SOC reports, so the vendor's whole evidence is looked at). Returns how many
    rows changed."""
    changed = 0
    for start in range(0, len(vendor_ids), 500):
        rows = bulk.evidence_dates(session, vendor_ids[start : start + 500])
        updates = [
            {"evidence_id": row.id, "until": window.valid_until, "policy": policy.sha256}
            for row, _, window, _ in evidence_windows(rows, policy)
            if (row.valid_until, row.window_policy) != (window.valid_until, policy.sha256)
        ]
        bulk.set_windows(session, updates)
        changed += len(updates)
    return changed


def refresh_windows(workspace: Workspace, policy: Policy) -> int:
    """Recompute the stored windows that another policy computed (or none yet): after a policy
    change, or once after the upgrade that added them. Returns how many rows changed."""
    with reading(workspace) as session:
        stale = bulk.stale_window_vendors(session, policy.sha256)
    if not stale:
        return 0
    with transaction(workspace) as session:
        return record_windows(session, policy, stale)


def list_evidence(
    workspace: Workspace,
    vendor_id: str | None = None,
    *,
    as_of: dt.date | None = None,
    expiring_within: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[EvidenceStatus], int]:
    """A page of evidence (all when `limit` is None) with validity and state, and how many
    match in all. The filter and the page are the database's work, on the stored windows; the
    state of the rows shown is computed from the policy, with their vendors' bridge letters."""
    content = workspace_content(workspace)
    if vendor_id is not None:
        load_vendor(workspace, vendor_id)
    as_of = as_of or dt.date.today()
    refresh_windows(workspace, content.policy)
    until = None if expiring_within is None else as_of + dt.timedelta(days=expiring_within)
    with reading(workspace) as session:
        rows = evidence_rows.listing(session, vendor_id, until=until, limit=limit, offset=offset)
        if limit is None:
            total = len(rows) + offset
        else:
            total = evidence_rows.count(session, vendor_id, until=until)
        # Each row's window needs every document of its vendor (a bridge letter may be off
        # the page, or filtered out): the columns of the page's vendors, or of all for a long
        # listing.
        vendors = sorted({row.vendor_id for row in rows})
        related = bulk.evidence_dates(session, vendors if len(vendors) <= 500 else None)
    return evidence_status(rows, content.policy, as_of, related), total


@dataclass(frozen=True, slots=True)
class Damaged:
    evidence_id: int
    vendor_id: str
    file_name: str
    sha256: str
    problem: str


def verify_evidence(
    workspace: Workspace, vendor_id: str | None = None
) -> tuple[int, list[Damaged]]:
    """Rehash the stored copy of every piece of evidence (of one vendor, or all): how many
    distinct files were checked, and each registered document whose copy is missing or no
    longer has the bytes that were registered."""
    if vendor_id is not None:
        load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        rows = evidence_rows.stored_copies(session, vendor_id)
    store = BlobStore(workspace.evidence_dir)
    problems = {sha: store.problem(sha) for sha in sorted({row[3] for row in rows})}
    damaged = [
        Damaged(evidence_id, vendor, file_name, sha, problem)
        for evidence_id, vendor, file_name, sha in rows
        if (problem := problems[sha]) is not None
    ]
    return len(problems), damaged


def export_evidence(workspace: Workspace, evidence_id: int, target: Path) -> tuple[Path, str]:
    """Copy a stored document out of the store, checked against its SHA-256 first, to `target`
    (a folder: the file's own name in it). Returns where it went and the name it had."""
    with reading(workspace) as session:
        row = session.get(EvidenceRow, evidence_id)
    if row is None:
        raise InputError(
            f"no evidence #{evidence_id}", hint="`audit evidence list VENDOR` shows the ids"
        )
    store = BlobStore(workspace.evidence_dir)
    if (problem := store.problem(row.sha256)) is not None:
        raise InputError(
            f"evidence #{evidence_id} ({row.file_name}): the stored copy is {problem}",
            hint="add the original again with `audit evidence add` to repair the store",
        )
    name = Path(row.file_name).name or f"evidence-{evidence_id}"
    path = target / name if target.is_dir() else target
    if path.exists():
        raise InputError(f"{path} exists; nothing was written", hint="choose another -o")
    try:
        path.write_bytes(store.path_for(row.sha256).read_bytes())
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return path, row.file_name
