"""The scheduler's jobs. Every job action is recorded in the ledger (services/ledger.py) under a key
that names it exactly (the questionnaire, the reminder offset, the evidence and threshold, the
finding and its due date), so running a job twice, or after a restart, repeats nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from audit.due import assessments_due, evidence_due
from audit.notify import DEFAULT_FROM, NotDeliverableError, Notice, Outbox, smtp_config
from audit.questionnaire.mail import reminder_message
from audit.services.batch import assess_all, fresh_submissions
from audit.services.content import workspace_content
from audit.services.database import exclusive, reading
from audit.services.due import Snapshot, snapshot
from audit.services.evidence import verify_evidence
from audit.services.ledger import Action, record, record_all
from audit.services.links import issue_link, links_in_use
from audit.services.questionnaires import (
    issue_questionnaire,
    mail_link,
    questionnaire_notice,
    requester,
)
from audit.store import bulk
from audit.vendor import Vendor
from audit.workspace import Workspace


def _recipients(vendor: Vendor, internal: bool) -> tuple[str, ...]:
    if internal or not vendor.contacts:
        return (vendor.owner,)
    return tuple(c.email for c in vendor.contacts)


class Jobs:
    """The scheduler's jobs for one `as_of`; each returns the actions it took this time."""

    def __init__(
        self, workspace: Workspace, as_of: dt.date, now: dt.datetime | None = None
    ) -> None:
        self.workspace = workspace
        self.as_of = as_of
        self.now = now or dt.datetime.now(dt.UTC)
        self.content = workspace_content(workspace)
        self.outbox = Outbox(workspace.outbox_dir)
        config = smtp_config(workspace)
        self.smtp = config
        self.sender = config.sender if config else DEFAULT_FROM
        self._keys: set[str] | None = None
        self._snap: Snapshot | None = None

    def _already(self, key: str) -> bool:
        """Whether the ledger holds `key`: its keys are read once per run of the jobs, not once
        per action (an idle run at 10,000 vendors checks some 75,000)."""
        if self._keys is None:
            with reading(self.workspace) as session:
                self._keys = bulk.ledger_keys(session)
        return key in self._keys

    def _snapshot(self) -> Snapshot:
        """What the due rules read, once for the jobs that follow each other without changing
        it (it is read again after a job that assessed or issued something)."""
        if self._snap is None:
            warnings = self.content.policy.cadence.evidence_warnings
            self._snap = snapshot(
                self.workspace, self.as_of, evidence_within=max(warnings, default=0)
            )
        return self._snap

    def _remember(self, actions: list[Action]) -> list[Action]:
        if self._keys is not None:
            self._keys.update(a.key for a in actions)
        return actions

    def _queue(self, notice: Notice, vendor_id: str) -> Action | None:
        """Queue a message; when a stored recipient cannot be written into one, the reason as
        an action (not in the ledger, so the next run tries again) and the run goes on for
        every other vendor."""
        try:
            self.outbox.queue(notice, self.sender, self.now)
        except NotDeliverableError as exc:
            return Action("undeliverable", vendor_id, "", f"not queued: {exc.message}")
        return None

    def _notify(
        self, action: Action, to: tuple[str, ...], subject: str, body: str
    ) -> Action | None:
        if self._already(action.key):
            return None
        problem = self._queue(Notice(action.key, to, subject, body), action.vendor_id or "")
        if problem is not None:
            return problem
        recorded = record(self.workspace, action, self.as_of, {"to": to, "subject": subject})
        return self._remember([action])[0] if recorded else None

    def reassess_new_submissions(self) -> list[Action]:
        """Assess vendors whose newest final submission (the vendor's part, or the assessor's)
        no run has used yet: the path of `assess --all`, with the content loaded once. Drafts
        are never assessed; a vendor that cannot be assessed is reported and tried again on the
        next run."""
        fresh = fresh_submissions(self.workspace, self.as_of)
        todo = [f for f in fresh if not self._already(f"reassess:{f.key}")]
        actions = []
        for outcome in assess_all(self.workspace, self.as_of, fresh=todo):
            vendor_id, key = outcome.fresh.vendor_id, f"reassess:{outcome.fresh.key}"
            if outcome.scored is None:
                actions.append(Action("reassess", vendor_id, "", f"not assessed: {outcome.error}"))
                continue
            scored = outcome.scored
            detail = f"run #{scored.run_id}: score {scored.score:.1f}, rating {scored.rating}"
            done = Action("reassess", vendor_id, key, detail)
            if record(self.workspace, done, self.as_of, {"run": scored.run_id}):
                actions += self._remember([done])
        if todo:
            self._snap = None  # new runs move the vendors' next assessments
        return actions

    def issue_due_questionnaires(self) -> list[Action]:
        """Issue a questionnaire when an assessment falls due within the response period."""
        cadence = self.content.policy.cadence
        snap = self._snapshot()
        waiting = {q.vendor_id for q in snap.open_questionnaires}
        actions = []
        for item in assessments_due(snap.cadences, cadence, self.as_of, cadence.response_days):
            vendor = snap.vendors[item.vendor_id]
            key = f"issue:{vendor.id}:{item.due}"
            if vendor.id in waiting or self._already(key):
                continue
            due = max(self.as_of + dt.timedelta(days=cadence.response_days), item.due)
            issued = issue_questionnaire(
                self.workspace,
                vendor.id,
                issued=self.as_of,
                due=due,
                link=self.workspace.settings["web_links"],
            )
            questionnaire = issued.questionnaire
            action = Action(
                "issue",
                vendor.id,
                key,
                f"{questionnaire.id} ({len(questionnaire.questions)} questions) due {due}",
            )
            problem = self._queue(
                questionnaire_notice(
                    questionnaire, vendor, issued.path, issued.data, key, issued.link
                ),
                vendor.id,
            )
            actions += [problem] if problem is not None else []
            if record(self.workspace, action, self.as_of, {"questionnaire": questionnaire.id}):
                actions += self._remember([action])
            self._snap = None  # a new questionnaire is waiting for answers
        return actions

    def remind_questionnaires(self) -> list[Action]:
        """Remind vendors on the policy's offsets around a questionnaire's due date."""
        offsets = self.content.policy.cadence.questionnaire_reminders
        snap = self._snapshot()
        actions = []
        for q in snap.open_questionnaires:
            reached = [o for o in offsets if q.due + dt.timedelta(days=o) <= self.as_of]
            if not reached:
                continue
            offset = reached[-1]  # only the latest reminder: a late run does not send a burst
            vendor = snap.vendors[q.vendor_id]
            when = "is due" if offset < 0 else "was due"
            key = f"remind:{q.id}:{offset}"
            if self._already(key):
                continue
            # Answered online: the reminder carries a fresh link (only hashes of the earlier
            # ones are kept). Not once every link was revoked: that was meant.
            link = (
                mail_link(issue_link(self.workspace, q.id, self.now))
                if links_in_use(self.workspace, q.id, self.now)
                else None
            )
            subject, body = reminder_message(
                q.id,
                vendor.name,
                q.issued,
                q.due,
                self.as_of,
                (
                    self.workspace.settings["organisation_name"],
                    requester(self.workspace, vendor).contact,
                ),
                link,
            )
            action = Action("remind", vendor.id, key, f"{q.id} {when} {q.due}")
            taken = self._notify(action, _recipients(vendor, False), subject, body)
            if taken:
                actions.append(taken)
        return actions

    def _digest(
        self,
        job: str,
        vendor: Vendor,
        items: list[tuple[Action, str]],
        to: tuple[str, ...],
        subject: str,
        intro: str,
    ) -> list[Action]:
        """One message per vendor for the items not notified before; each item's key is
        recorded, so an item is never in two digests."""
        new = [(a, line) for a, line in items if not self._already(a.key)]
        if not new:
            return []
        keys = "|".join(sorted(a.key for a, _ in new))
        digest_key = f"digest:{job}:{vendor.id}:{hashlib.sha256(keys.encode()).hexdigest()[:16]}"
        body = intro + "\n\n" + "\n".join(f"- {line}" for _, line in new) + "\n"
        problem = self._queue(Notice(digest_key, to, subject, body), vendor.id)
        if problem is not None:
            return [problem]
        detail = {"message": digest_key, "to": to}
        return self._remember(record_all(self.workspace, [(a, detail) for a, _ in new], self.as_of))

    def warn_evidence(self) -> list[Action]:
        """Warn relationship owners before evidence expires (policy offsets) and when it has."""
        warnings = sorted(self.content.policy.cadence.evidence_warnings)
        snap = self._snapshot()
        per_vendor: dict[str, list[tuple[Action, str]]] = {}
        for item in evidence_due(snap.evidence, self.as_of, max(warnings, default=0)):
            if item.overdue:
                key = f"evidence-expired:{item.ref}"
                line = f"{item.subject} expired {item.due}"
            else:
                threshold = next(w for w in warnings if item.days_left <= w)
                key = f"evidence-warning:{item.ref}:{threshold}"
                line = f"{item.subject} expires {item.due} (in {item.days_left} days)"
            per_vendor.setdefault(item.vendor_id, []).append(
                (Action("evidence", item.vendor_id, key, line), line)
            )
        return self._to_owners(
            "evidence",
            per_vendor,
            lambda v: f"{v.name}: evidence expiring or expired",
            lambda v: (
                f"Evidence from {v.name} that stops being current, as of {self.as_of}. "
                "Ask the vendor for current documents: controls that rely on expired evidence "
                "become unverified."
            ),
        )

    def _to_owners(
        self,
        job: str,
        per_vendor: dict[str, list[tuple[Action, str]]],
        subject: Callable[[Vendor], str],
        intro: Callable[[Vendor], str],
    ) -> list[Action]:
        """One digest per vendor to its relationship owners."""
        snap = self._snapshot()
        actions = []
        for vendor_id, items in sorted(per_vendor.items()):
            vendor = snap.vendors[vendor_id]
            to = _recipients(vendor, True)
            actions += self._digest(job, vendor, items, to, subject(vendor), intro(vendor))
        return actions

    def check_evidence_store(self) -> list[Action]:
        """Once a week, rehash every stored evidence file: a copy changed or missing on disk is
        reported to the vendor's relationship owner (once per damage), with how to repair it."""
        year, week, _ = self.as_of.isocalendar()
        key = f"evidence-verify:{year}-W{week:02d}"
        if self._already(key):
            return []
        checked, damaged = verify_evidence(self.workspace)
        per_vendor: dict[str, list[tuple[Action, str]]] = {}
        for item in damaged:
            line = f"evidence #{item.evidence_id} {item.file_name}: {item.problem}"
            action = Action(
                "integrity", item.vendor_id, f"evidence-damaged:{item.evidence_id}:{year}", line
            )
            per_vendor.setdefault(item.vendor_id, []).append((action, line))
        actions = self._to_owners(
            "integrity",
            per_vendor,
            lambda v: f"{v.name}: stored evidence changed or missing",
            lambda v: (
                f"The stored copies below no longer hold the bytes registered for {v.name} "
                f"(checked {self.as_of}). Reports and assessments state the registered hashes; "
                "add each original file again with `audit evidence add` to repair the store."
            ),
        )
        summary = Action(
            "integrity", None, key, f"{checked} stored file(s) rehashed, {len(damaged)} damaged"
        )
        detail = {"checked": checked, "damaged": len(damaged)}
        return actions + self._remember(record_all(self.workspace, [(summary, detail)], self.as_of))

    def flag_overdue_findings(self) -> list[Action]:
        """Tell each finding's owner (else the relationship owner) what is past due."""
        snap = self._snapshot()
        groups: dict[tuple[str, tuple[str, ...]], list[tuple[Action, str]]] = {}
        for f in snap.findings:
            if f.due >= self.as_of:
                continue
            vendor = snap.vendors[f.vendor_id]
            late = (self.as_of - f.due).days
            line = (
                f"finding #{f.id} {f.control_id} ({f.severity}) was due {f.due}, {late} day(s) late"
            )
            to = (f.owner,) if f.owner else _recipients(vendor, True)
            action = Action("finding", vendor.id, f"finding-overdue:{f.id}:{f.due}", line)
            groups.setdefault((vendor.id, to), []).append((action, self._what_to_do(f, line)))
        actions = []
        for (vendor_id, to), items in sorted(groups.items()):
            vendor = snap.vendors[vendor_id]
            actions += self._digest(
                "finding",
                vendor,
                items,
                to,
                f"{vendor.name}: {len(items)} finding(s) past due",
                f"Findings on {vendor.name} still open after their due date, as of {self.as_of}:",
            )
        return actions

    def _what_to_do(self, finding: Any, line: str) -> str:
        """The digest's entry: the finding, and the control's title and recommended
        remediation, so that its owner can act on the e-mail alone."""
        control = self.content.controls.get(finding.control_id)
        if control is None:
            return line
        remediation = " ".join(control.remediation.split())
        return f"{line}\n  {control.title}\n  Recommended remediation: {remediation}"

    def send(self) -> list[Action]:
        sent, waiting, error = self.outbox.flush(self.smtp)
        if self.smtp is None:
            return []
        detail = f"sent {sent}, pending {waiting}" + (f" ({error})" if error else "")
        return [Action("send", None, "", detail)] if sent or error else []

    def all(self) -> list[tuple[str, Callable[[], list[Action]]]]:
        return [
            ("reassess new submissions", self.reassess_new_submissions),
            ("issue questionnaires", self.issue_due_questionnaires),
            ("remind vendors", self.remind_questionnaires),
            ("warn about evidence", self.warn_evidence),
            ("check stored evidence", self.check_evidence_store),
            ("flag overdue findings", self.flag_overdue_findings),
            ("send notifications", self.send),
        ]


def run_jobs(workspace: Workspace, as_of: dt.date, now: dt.datetime | None = None) -> list[Action]:
    """Every job once for `as_of`, in order, one run at a time per database; returns only
    what was newly done."""
    actions = []
    with exclusive(workspace, "scheduler"):
        jobs = Jobs(workspace, as_of, now)
        for _, job in jobs.all():
            actions += job()
    return actions
