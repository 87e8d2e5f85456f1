"""One audit run as an OSCAL 1.1.3 Assessment Results document (pure: no database, file or clock).

NIST's model reference (tests check the output against its JSON schema of release v1.1.3):
https://pages.nist.gov/OSCAL-Reference/models/v1.1.3/assessment-results/
How our concepts map onto it:
- the auditing organisation and the vendor are `organization` parties (roles `assessor`,
  `vendor`; the vendor's LEI, when known, in `external-ids` under ISO 17442's URN), the vendor's
  contacts `person` parties that are members of it (role `vendor-contact`);
- we publish no assessment plan: `import-ap` points at a back-matter resource stating what the
  run was scored from (checklists, policy, questionnaires with their hashes) and by which rules;
- the run is the one `result`, from 00:00 to 23:59:59 UTC of its as-of day (a snapshot of what
  was held that day); `reviewed-controls` lists every control it scored;
- each control result is an observation (INTERVIEW for the vendor's questionnaire answer,
  EXAMINE for the assessor's answer from the contract and for documents the score counted) and a
  finding on the control id as `objective-id`: satisfied when met or not applicable, otherwise
  not-satisfied, with a risk whose status is our finding's (open; in progress or remediated:
  remediating; accepted: deviation-approved; resolved: closed), its severity, owner and due
  date, an acceptance in its description (a risk has no remarks), and the control's remediation
  as a `recommendation` response;
- evidence documents and the run's canonical JSON are back-matter resources named by SHA-256:
  OSCAL carries hashes on an rlink only, so each has one whose href is the content's RFC 6920
  name (`ni:///sha-256;...`), never a path of ours;
- what OSCAL has no field for (score, rating, tier, our statuses, ids) is in `props` under `NS`.
UUIDs are version 5 over `UUID_NAMESPACE` and stable keys (the run's SHA-256 and the control id;
vendor and control for a risk, one subject across runs as our finding is): the same run exports
to the same document but for `metadata.last-modified`; `metadata.version` digests the rest."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit.findings import FindingStatus
from audit.model import Respondent
from audit.report.view import EvidenceFacts, FindingFacts
from audit.scoring.results import Status
from audit.vendor import Vendor

NS = "https://vendor-audit.dev/ns/oscal"
OSCAL_VERSION = "1.1.3"
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)
LEI_SCHEME = "urn:iso:std:iso:17442"
NO_PLAN = "No assessment plan is published: this resource says what the run was scored from."

# Our control status -> the objective's state and reason, the implementation state where the
# objective's state alone would lose what we know, and the status in words.
OBJECTIVE: Mapping[Status, tuple[str, str, str | None, str]] = {
    Status.MET: ("satisfied", "pass", None, "met"),
    Status.PARTIALLY_MET: ("not-satisfied", "fail", "partial", "partially met"),
    Status.NOT_MET: ("not-satisfied", "fail", None, "not met"),
    Status.UNVERIFIED: ("not-satisfied", "other", None, "unverified (no current evidence)"),
    Status.UNANSWERED: ("not-satisfied", "other", None, "unanswered"),
    Status.NOT_APPLICABLE: ("satisfied", "other", "not-applicable", "not applicable"),
}
RISK_STATUS: Mapping[FindingStatus, str] = {
    FindingStatus.OPEN: "open",
    FindingStatus.IN_PROGRESS: "remediating",
    FindingStatus.REMEDIATED: "remediating",  # the vendor says so; the next run verifies it
    FindingStatus.ACCEPTED: "deviation-approved",
    FindingStatus.RESOLVED: "closed",
}
Held = Mapping[int, EvidenceFacts]  # the documents the run used, by id
WITH_DEADLINE = frozenset({FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.REMEDIATED})


@dataclass(frozen=True, slots=True)
class ControlOutcome:
    """One control's result as the run recorded it, with the control's words from the content."""

    control_id: str
    title: str
    question: str
    domain: str
    severity: str
    status: str  # a `Status` value
    answered_by: str  # a `Respondent` value
    answer: str  # in words
    comment: str | None
    explanation: str
    evidence_ids: tuple[int, ...] = ()  # the documents the score counted
    missing_evidence: tuple[str, ...] = ()
    remediation: str = ""  # the control's recommended remediation


@dataclass(frozen=True, slots=True)
class RunRecord:
    """An audit run, from its hashed result."""

    id: int
    as_of: dt.date
    sha256: str
    score: float
    rating: str
    band_rating: str
    tier: str
    controls: tuple[ControlOutcome, ...]
    # What it was scored from and by which rules, as the signed report's method section has it.
    method: tuple[tuple[str, str], ...] = ()


def _uuid(*key: object) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, "/".join(map(str, key))))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day(day: dt.date, end: bool = False) -> str:
    return _stamp(dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time(), dt.UTC))


def _line(text: str) -> str:
    """One line, trimmed: what OSCAL's string and token fields accept."""
    return " ".join(text.split())


def _props(*pairs: tuple[str, object]) -> dict[str, Any]:
    """`{"props": [...]}` under our namespace for the pairs that have a value, or nothing."""
    shown = [(name, _line(str(value))) for name, value in pairs if value is not None]
    props = [{"name": name, "ns": NS, "value": value} for name, value in shown if value]
    return {"props": props} if props else {}


def _hashed(sha256: str) -> dict[str, Any]:
    """An rlink naming content by its SHA-256 (RFC 6920 `ni` URI) and carrying the hash."""
    name = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode().rstrip("=")
    return {"href": f"ni:///sha-256;{name}", "hashes": [{"algorithm": "SHA-256", "value": sha256}]}


def _origins(party: str, role: str) -> list[dict[str, Any]]:
    return [{"actors": [{"type": "party", "actor-uuid": party, "role-id": role}]}]


class _Document:
    """The parts of one document, sharing the vendor, the run and the parties' UUIDs."""

    def __init__(self, vendor: Vendor, lei: str | None, run: RunRecord, org: str | None) -> None:
        self.vendor, self.lei, self.run, self.organisation = vendor, lei, run, org
        self.name = _line(vendor.name)
        self.assessor = _uuid("party", "organisation", org or "")
        self.supplier = _uuid("party", "vendor", vendor.id)
        self.by_assessor = _origins(self.assessor, "assessor")

    def observation_uuid(self, control_id: str) -> str:
        return _uuid("observation", self.run.sha256, control_id)

    def risk_uuid(self, control_id: str) -> str:
        return _uuid("risk", self.vendor.id, control_id)

    def evidence_uuid(self, item: EvidenceFacts) -> str:
        return _uuid("evidence", self.vendor.id, item.id, item.sha256)

    def metadata(self) -> dict[str, Any]:
        """Roles, parties and who plays which role."""
        named = _line(self.organisation or "")
        assessor: dict[str, Any] = {"uuid": self.assessor, "type": "organization"}
        assessor |= {"name": named} if named else {"remarks": "Its name is not configured."}
        supplier: dict[str, Any] = {"uuid": self.supplier, "type": "organization"}
        supplier |= {"name": self.name, **_props(("vendor-id", self.vendor.id))}
        if self.lei:
            supplier["external-ids"] = [{"scheme": LEI_SCHEME, "id": self.lei}]
        contacts = [
            {
                "uuid": _uuid("party", "vendor", self.vendor.id, c.email),
                "type": "person",
                "name": _line(c.name),
                **_props(("contact-role", c.role)),
                "email-addresses": [c.email],
                "member-of-organizations": [self.supplier],
            }
            for c in self.vendor.contacts
        ]
        cast = [
            ("assessor", "Assessor: the organisation auditing its vendor", [self.assessor]),
            ("vendor", "Vendor: the outsourcing provider assessed", [self.supplier]),
        ]
        if contacts:
            cast.append(("vendor-contact", "Vendor contact", [p["uuid"] for p in contacts]))
        return {
            "roles": [{"id": role, "title": title} for role, title, _ in cast],
            "parties": [assessor, supplier, *contacts],
            "responsible-parties": [{"role-id": r, "party-uuids": u} for r, _, u in cast],
        }

    def method(self) -> dict[str, Any]:
        """The back-matter resource that stands in for the assessment plan we do not publish."""
        rows = "".join(f"\n- {label}: {text}" for label, text in self.run.method)
        return {
            "uuid": _uuid("method", self.run.sha256),
            "title": f"Assessment method of audit run #{self.run.id}",
            "description": "No OSCAL assessment plan is published for this audit. The run was "
            f"scored from these inputs, by these rules:{rows}",
        }

    def evidence(self, item: EvidenceFacts) -> dict[str, Any]:
        until = f"valid until {item.valid_until}" if item.valid_until else "does not expire"
        return {
            "uuid": self.evidence_uuid(item),
            "title": f"{item.kind_label}: {item.file_name}",
            "description": f"Evidence #{item.id} of {self.name}: {item.kind_label}, "
            f"{item.file_name}; {until}; {item.state} on the audit date {self.run.as_of}. The "
            "auditing organisation holds the file; this document names it by its SHA-256 only.",
            **_props(
                ("evidence-id", item.id),
                ("evidence-state", item.state),
                ("valid-until", item.valid_until),
            ),
            "rlinks": [_hashed(item.sha256)],
        }

    def observation(self, c: ControlOutcome, held: Held) -> dict[str, Any]:
        """What was asked and answered, and the documents the score counted."""
        by_vendor = c.answered_by == Respondent.VENDOR
        methods = ["INTERVIEW"] if by_vendor else []
        if not by_vendor or c.evidence_ids:
            methods.append("EXAMINE")
        who = "the vendor, in its questionnaire" if by_vendor else "the assessor, from the contract"
        comment = f"\nComment: {c.comment.strip()}" if c.comment and c.comment.strip() else ""
        text = f"Question: {_line(c.question)}\nAnswer by {who}: {c.answer}{comment}"
        evidence: list[dict[str, Any]] = [
            {
                "href": f"#{self.evidence_uuid(held[i])}",
                "description": f"Evidence #{i}: {held[i].kind_label}, {held[i].file_name}",
            }
            for i in c.evidence_ids
            if i in held
        ]
        evidence += [{"description": f"Missing: {m}"} for m in c.missing_evidence]
        origins = _origins(self.supplier, "vendor") if by_vendor else self.by_assessor
        observation: dict[str, Any] = {
            "uuid": self.observation_uuid(c.control_id),
            "title": f"{c.control_id} {c.title}",
            "description": f"{text}\nScoring: {c.explanation}",
            **_props(("answered-by", c.answered_by), ("domain", c.domain)),
            "methods": methods,
            "types": ["control-objective"],
            "origins": origins,
            "subjects": [{"subject-uuid": self.supplier, "type": "party"}],
        }
        if evidence:
            observation["relevant-evidence"] = evidence
        observation["collected"] = _day(self.run.as_of)
        return observation

    def risk(self, c: ControlOutcome, finding: FindingFacts | None) -> dict[str, Any]:
        """A control not satisfied: our finding's standing, and the recommended remediation."""
        status = FindingStatus(finding.status) if finding else FindingStatus.OPEN
        severity = finding.severity if finding else c.severity
        words = OBJECTIVE[Status(c.status)][3]
        facet = {"name": "severity", "system": NS, "value": severity}
        risk: dict[str, Any] = {
            "uuid": self.risk_uuid(c.control_id),
            "title": f"{c.control_id} {c.title}: {words}",
            "description": f"{c.title} ({c.control_id}) is {words} for {self.name} in audit run "
            f"#{self.run.id} as of {self.run.as_of}: {c.explanation}.",
            "statement": f"A {severity} severity gap in the {c.domain} domain: until it is "
            f"remediated, {self.name} does not demonstrably meet the control.",
            **_props(
                ("finding-id", finding.id if finding else None),
                ("finding-status", status.value),
                ("owner", finding.owner if finding else None),
                ("accepted-until", finding.accepted_until if finding else None),
                ("approver", finding.approver if finding else None),
            ),
            "status": RISK_STATUS[status],
            "origins": self.by_assessor,
            "characterizations": [{"origin": self.by_assessor[0], "facets": [facet]}],
        }
        if finding and status in WITH_DEADLINE:
            risk["deadline"] = _day(finding.due, end=True)
        if c.remediation.strip():
            risk["remediations"] = [
                {
                    "uuid": _uuid("remediation", self.vendor.id, c.control_id),
                    "lifecycle": "recommendation",
                    "title": f"Recommended remediation for {c.control_id}",
                    "description": c.remediation.strip(),
                }
            ]
        risk["related-observations"] = [{"observation-uuid": self.observation_uuid(c.control_id)}]
        if finding and status is FindingStatus.ACCEPTED:  # a risk has no remarks: say it here
            reason = _line(finding.accepted_reason or "") or "no reason recorded"
            approver = finding.approver or "an unnamed approver"
            risk["description"] += (
                f" Accepted until {finding.accepted_until} by {approver}: {reason}"
            )
        return risk

    def finding(self, c: ControlOutcome) -> dict[str, Any]:
        """The conclusion on the control's objective."""
        status = Status(c.status)
        state, reason, implementation, words = OBJECTIVE[status]
        target: dict[str, Any] = {"type": "objective-id", "target-id": c.control_id}
        target["status"] = {"state": state, "reason": reason}
        if implementation:
            target["implementation-status"] = {"state": implementation}
        finding: dict[str, Any] = {
            "uuid": _uuid("finding", self.run.sha256, c.control_id),
            "title": f"{c.control_id} {c.title}: {words}",
            "description": c.explanation,
            **_props(("control-status", status.value)),
            "target": target,
            "related-observations": [{"observation-uuid": self.observation_uuid(c.control_id)}],
        }
        if state == "not-satisfied":
            finding["related-risks"] = [{"risk-uuid": self.risk_uuid(c.control_id)}]
        return finding

    def result(self, findings: Sequence[FindingFacts], held: Held) -> dict[str, Any]:
        run = self.run
        failing = [c for c in run.controls if OBJECTIVE[Status(c.status)][0] == "not-satisfied"]
        standing = {f.control_id: f for f in findings}
        selected = [{"control-id": c.control_id} for c in run.controls]
        result: dict[str, Any] = {
            "uuid": _uuid("result", run.sha256),
            "title": f"Audit run #{run.id} of {self.name} as of {run.as_of}",
            "description": f"Score {run.score:g}, rating {run.rating}, tier {run.tier}: "
            f"{len(run.controls)} controls scored, {len(failing)} not satisfied.",
            "start": _day(run.as_of),
            "end": _day(run.as_of, end=True),
            **_props(
                ("run-id", run.id),
                ("score", f"{run.score:g}"),
                ("rating", run.rating),
                ("band-rating", run.band_rating),
                ("tier", run.tier),
            ),
            "reviewed-controls": {
                "control-selections": [
                    {"include-controls": selected} if selected else {"remarks": "None in scope."}
                ]
            },
        }
        if run.controls:
            result["observations"] = [self.observation(c, held) for c in run.controls]
            if failing:
                result["risks"] = [self.risk(c, standing.get(c.control_id)) for c in failing]
            result["findings"] = [self.finding(c) for c in run.controls]
        return result


def assessment_results(
    vendor: Vendor,
    run: RunRecord,
    findings: Sequence[FindingFacts],
    evidence: Sequence[EvidenceFacts],
    *,
    organisation: str | None,
    generated_at: dt.datetime,
    tool_version: str,
    lei: str | None = None,
) -> dict[str, Any]:
    """The OSCAL document of `run` of `vendor` (whose LEI is `lei`, already checked), with its
    `findings` as they stand and the `evidence` documents the run used; `generated_at`
    (timezone-aware) is its last-modified time, the only part that differs between two exports
    of the same content."""
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError("generated_at must carry a timezone")
    document = _Document(vendor, lei, run, organisation)
    held = {e.id: e for e in sorted(evidence, key=lambda e: e.id)}
    method = document.method()
    body: dict[str, Any] = {
        "uuid": _uuid("assessment-results", run.sha256),
        "import-ap": {"href": f"#{method['uuid']}", "remarks": NO_PLAN},
        "results": [document.result(findings, held)],
        "back-matter": {
            "resources": [
                method,
                {
                    "uuid": _uuid("run", run.sha256),
                    "title": f"Audit run #{run.id}: the recorded result as canonical JSON",
                    "description": "The run's result as recorded (sorted keys, no whitespace, "
                    "UTF-8). Its SHA-256 is the run's hash, which signed reports of it state.",
                    **_props(("run-id", run.id)),
                    "rlinks": [_hashed(run.sha256)],
                },
                *(document.evidence(e) for e in held.values()),
            ]
        },
    }
    title = f"Assessment results: {document.name}, audit run #{run.id} as of {run.as_of}"
    described = {**_props(("generator", f"vendor-audit {tool_version}")), **document.metadata()}
    content = json.dumps([title, described, body], sort_keys=True, ensure_ascii=False)
    metadata = {
        "title": title,
        "last-modified": _stamp(generated_at),
        "version": f"run-{run.id}-{hashlib.sha256(content.encode()).hexdigest()[:16]}",
        "oscal-version": OSCAL_VERSION,
        **described,
    }
    uid, *rest = body.items()
    return {"assessment-results": dict([uid, ("metadata", metadata), *rest])}
