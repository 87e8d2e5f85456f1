"""The findings a vendor report shows: as they stand when it is made (for an older run, just
before the next run), replayed from their events, and the signed JSON of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from audit.findings import Change, FindingStatus, Standing, replay
from audit.report.view import FindingFacts
from audit.scoring.results import canonical_json
from audit.store.tables import AuditRunRow, FindingEventRow, FindingRow


def statuses_read_at(
    run: AuditRunRow, later: Sequence[AuditRunRow], now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """When a report of `run` reads its findings' statuses, as shown (to the second) and as the
    exclusive cutoff for events: now for the newest run; for an older one, just before the
    next run (which re-assessed those findings) was recorded."""
    after = [_aware(r.created_at) for r in later if (r.id or 0) > (run.id or 0)]
    if after:
        cutoff = min(after)
        return cutoff.replace(microsecond=0), cutoff
    shown = _aware(now).replace(microsecond=0)
    return shown, shown + dt.timedelta(seconds=1)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def findings_at(
    findings: Sequence[FindingRow],
    events: Sequence[FindingEventRow],
    run: AuditRunRow,
    opened: dict[int, dt.date],
    cutoff: dt.datetime,
) -> list[FindingFacts]:
    """Each finding of `run` as it stood before `cutoff`: the runs up to `run`, and every
    acceptance, status and owner change recorded by then (a later run does not rewrite an
    older report, and a finding a later run opened is not in it)."""
    facts = []
    by_finding: dict[int, list[FindingEventRow]] = {}
    for event in events:  # in the order recorded
        by_finding.setdefault(event.finding_id, []).append(event)
    for finding in findings:
        mine = by_finding.get(finding.id or 0, [])
        relevant = [
            e
            for e in mine
            if (e.run_id is not None and e.run_id <= (run.id or 0))
            or (e.run_id is None and _aware(e.at) < cutoff)
        ]
        if not any(e.run_id is not None for e in relevant):
            continue
        if len(relevant) == len(mine):  # nothing happened since: the row is the standing
            standing = Standing(
                finding.status,
                finding.owner,
                finding.accepted_until,
                finding.accepted_reason,
                finding.approver,
            )
            if standing.status != FindingStatus.ACCEPTED:
                standing = Standing(standing.status, standing.owner)
        else:
            replayed = replay([Change(e.action, e.to_status, e.actor, e.note) for e in relevant])
            assert replayed is not None  # noqa: S101 - relevant is not empty
            standing = replayed
        facts.append(
            FindingFacts(
                finding.id or 0,
                finding.control_id,
                finding.severity,
                standing.status,
                finding.due,
                standing.owner,
                opened.get(finding.opened_run_id, run.as_of),
                standing.accepted_until,
                standing.accepted_reason,
                standing.approver,
            )
        )
    return facts


def findings_json(
    run: AuditRunRow, standing: Sequence[FindingFacts], read_at: dt.datetime
) -> bytes:
    """The findings' statuses as the report shows them, for machines: signed with the report."""
    return canonical_json(
        {
            "vendor": run.vendor_id,
            "run": run.id,
            "run_sha256": run.sha256,
            "statuses_read_at": read_at.isoformat(),
            "findings": [
                {
                    "id": f.id,
                    "control": f.control_id,
                    "severity": f.severity,
                    "status": f.status,
                    "due": f.due.isoformat(),
                    "owner": f.owner,
                    "opened_on": f.opened_on.isoformat(),
                    "accepted_until": f.accepted_until.isoformat() if f.accepted_until else None,
                    "accepted_reason": f.accepted_reason,
                    "approver": f.approver,
                }
                for f in standing
            ],
        }
    )
