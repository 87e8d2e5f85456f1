"""Reading recorded runs: a vendor's history, one run, and what changed between two runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import InputError, NotFoundError
from audit.findings import Action
from audit.services.database import reading
from audit.services.vendors import load_vendor
from audit.store import chain, queries
from audit.store.tables import AuditRunRow
from audit.workspace import Workspace


def history(workspace: Workspace, vendor_id: str) -> Sequence[AuditRunRow]:
    load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        return queries.runs(session, vendor_id)


def verify_history(workspace: Workspace, reports: Sequence[Path] = ()) -> chain.ChainReport:
    """Walk the tamper-evident history of submissions, runs and finding events, and check it
    against the heads that signed reports state; a report counts only if its signature holds
    (anyone can write a head into an unsigned copy)."""
    from audit.report.verify import history_head
    from audit.services.reports import verify_report

    anchors = []
    for report in reports:
        if not verify_report(workspace, report).ok:
            raise InputError(
                f"{report}: the report does not verify, so its history head proves nothing",
                hint=f"see `audit verify {report}`",
            )
        stated = history_head(report)
        if stated is None:
            raise InputError(
                f"{report}: not a signed report of this tool that states a history head",
                hint="reports signed before the history chain existed state none",
            )
        anchors.append((str(report), *stated))
    with reading(workspace) as session:
        return chain.verify(session, anchors)


def get_run(workspace: Workspace, vendor_id: str, run_id: int | None) -> AuditRunRow:
    """A run of the vendor, or its newest when `run_id` is None."""
    load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        if run_id is None:
            runs = queries.runs(session, vendor_id)
            if not runs:
                raise NotFoundError(
                    f"{vendor_id} has not been assessed", hint=f"run `audit assess {vendor_id}`"
                )
            return runs[-1]
        run = queries.run(session, run_id)
    if run is None or run.vendor_id != vendor_id:
        raise NotFoundError(
            f"no run #{run_id} for {vendor_id}", hint=f"see `audit history {vendor_id}`"
        )
    return run


@dataclass(frozen=True, slots=True)
class RunDiff:
    before: AuditRunRow
    after: AuditRunRow
    answers: list[tuple[str, Any, Any]]
    statuses: list[tuple[str, str, str]]
    domains: list[tuple[str, float | None, float | None]]
    opened: list[tuple[str, str]]
    resolved: list[tuple[str, str]]


def diff_runs(
    workspace: Workspace, vendor_id: str, from_run: int | None, to_run: int | None
) -> RunDiff:
    """What changed between two runs (default: the last two)."""
    runs = list(history(workspace, vendor_id))
    if to_run is None:
        if len(runs) < 2 and from_run is None:
            raise NotFoundError(
                f"{vendor_id} needs two runs to compare; it has {len(runs)}",
                hint=f"assess again (`audit assess {vendor_id}`) after new answers",
            )
        after = runs[-1]
    else:
        after = get_run(workspace, vendor_id, to_run)
    if from_run is None:
        earlier = [r for r in runs if (r.as_of, r.id or 0) < (after.as_of, after.id or 0)]
        if not earlier:
            raise NotFoundError(f"no run of {vendor_id} before run #{after.id}")
        before = earlier[-1]
    else:
        before = get_run(workspace, vendor_id, from_run)
    old = {c["id"]: c for c in before.result["controls"]}
    new = {c["id"]: c for c in after.result["controls"]}
    ids = list(dict.fromkeys([*old, *new]))
    answers = [
        (cid, old.get(cid, {}).get("answer"), new.get(cid, {}).get("answer"))
        for cid in ids
        if old.get(cid, {}).get("answer") != new.get(cid, {}).get("answer")
    ]
    statuses = [
        (cid, old.get(cid, {}).get("status", "absent"), new.get(cid, {}).get("status", "absent"))
        for cid in ids
        if old.get(cid, {}).get("status") != new.get(cid, {}).get("status")
    ]
    domain_names = sorted(set(before.result["domains"]) | set(after.result["domains"]))
    domains = [
        (d, before.result["domains"].get(d), after.result["domains"].get(d)) for d in domain_names
    ]
    between = [
        r.id
        for r in runs
        if r.id is not None
        and (before.as_of, before.id or 0) < (r.as_of, r.id) <= (after.as_of, after.id or 0)
    ]
    with reading(workspace) as session:
        events = queries.run_events(session, between)
        by_id = {f.id: f.control_id for f in queries.findings_of(session, vendor_id)}
    opened = [
        (by_id[e.finding_id], e.action)
        for e in events
        if e.action in (Action.OPENED, Action.REOPENED, Action.ACCEPTANCE_EXPIRED)
    ]
    resolved = [(by_id[e.finding_id], e.note or "") for e in events if e.action == Action.RESOLVED]
    return RunDiff(before, after, answers, statuses, domains, opened, resolved)
