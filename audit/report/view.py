"""Report view models (pure): everything a report shows, sorted and formatted, from an audit run
and its context, with the render time passed in. Renderers only lay these out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit import words
from audit.content.model import ContentSet, Control
from audit.model import AnswerType, Rating, Severity, Tier
from audit.report.method import method_rows, recorded_organisation, requirements

SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
RATING_ORDER = (Rating.LOW, Rating.MODERATE, Rating.HIGH, Rating.CRITICAL)
TIER_ORDER = (Tier.CRITICAL, Tier.HIGH, Tier.MEDIUM, Tier.LOW)
STATUS_LABELS = {
    "met": "Met",
    "partially_met": "Partially met",
    "not_met": "Not met",
    "unverified": "Unverified",
    "unanswered": "Unanswered",
    "not_applicable": "Not applicable",
}
ACTIVE_FINDINGS = ("open", "in_progress", "remediated", "accepted")


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What a report needs of a stored audit run."""

    id: int
    vendor_id: str
    as_of: dt.date
    tier: str
    score: float
    rating: str
    band_rating: str
    sha256: str
    inputs: Mapping[str, Any]
    result: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class FindingFacts:
    id: int
    control_id: str
    severity: str
    status: str
    due: dt.date
    owner: str | None
    opened_on: dt.date
    accepted_until: dt.date | None = None
    accepted_reason: str | None = None
    approver: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    id: int
    kind_label: str
    file_name: str
    sha256: str
    valid_until: dt.date | None
    state: str
    basis: str


@dataclass(frozen=True, slots=True)
class ControlLine:
    id: str
    domain: str
    title: str
    question: str
    answer: str
    answered_by: str  # who gave the answer: the vendor, or the assessor from the contract
    comment: str
    evidence: str
    status: str
    score: str
    explanation: str
    knockout: bool
    requirements: str = ""  # what it tests, as cited for this organisation's regimes


@dataclass(frozen=True, slots=True)
class FindingLine:
    id: int
    control: str
    title: str
    severity: str
    status: str
    owner: str
    due: str
    overdue: bool
    remediation: str = ""  # the control's recommended remediation
    acceptance: str = ""  # an accepted risk: until when, who approved it, and why


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    id: int
    kind: str
    file: str
    sha256: str
    valid_until: str
    state: str
    basis: str


@dataclass(frozen=True, slots=True)
class VendorReport:
    vendor_id: str
    vendor_name: str
    run_id: int
    as_of: str
    rendered_at: str
    statuses_at: str  # when the findings' statuses, owners and acceptances were read
    period: str
    rating: str
    band_rating: str
    score: float
    change: str
    tier: str
    tier_points: int | None
    tier_reasons: tuple[str, ...]
    profile: tuple[tuple[str, str], ...]
    knockouts_failed: tuple[str, ...]
    caps: tuple[str, ...]  # the policy's caps that held, with their reasons
    domains: tuple[tuple[str, float], ...]
    trend: tuple[tuple[str, float], ...]
    findings_by_severity: tuple[tuple[str, int], ...]
    top_findings: tuple[FindingLine, ...]
    overdue: tuple[FindingLine, ...]
    findings: tuple[FindingLine, ...]
    status_counts: tuple[tuple[str, int], ...]
    controls: tuple[ControlLine, ...]
    evidence: tuple[EvidenceLine, ...]
    method: tuple[tuple[str, str], ...]
    run_sha256: str


def answer_text(value: Any, control: Control | None = None) -> str:
    """The answer in words (the option's label, the number with its unit), code in brackets."""
    if value is None:
        return "(no answer)"
    if isinstance(value, list):
        return "; ".join(answer_text(v, control) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    spec = control.answer if control is not None else None
    option = spec.option(value) if spec is not None and isinstance(value, str) else None
    if option is not None:
        return f"{option.label} ({value})"
    if spec is not None and spec.type is AnswerType.PERCENT and not isinstance(value, str):
        return f"{value}%"
    if spec is not None and spec.unit and not isinstance(value, str):
        return f"{value} {spec.unit}"
    return str(value)


# Who gave an answer, as each control line says it; the method names the people.
RESPONDENTS = {"vendor": "vendor", "assessor": "assessor, from the executed contract"}


def _severity_rank(value: str) -> int:
    return (
        [s.value for s in SEVERITY_ORDER].index(value)
        if value in {s.value for s in SEVERITY_ORDER}
        else 9
    )


def _finding_line(f: FindingFacts, content: ContentSet, today: dt.date) -> FindingLine:
    control = content.controls.get(f.control_id)
    overdue = f.status in ("open", "in_progress", "remediated") and f.due < today
    status = f.status if f.accepted_until is None else f"{f.status} until {f.accepted_until}"
    acceptance = (
        f"Risk accepted until {f.accepted_until} by {f.approver or 'an unnamed approver'}: "
        f"{' '.join((f.accepted_reason or 'no reason recorded').split())}"
        if f.status == "accepted"
        else ""
    )
    return FindingLine(
        f.id,
        f.control_id,
        control.title if control else f.control_id,
        f.severity,
        status.replace("_", " "),
        f.owner or "unassigned",
        f.due.isoformat(),
        overdue,
        " ".join(control.remediation.split()) if control and control.remediation else "",
        acceptance,
    )


def _superseded(item: EvidenceFacts, evidence: Sequence[EvidenceFacts]) -> str:
    """`superseded by #466 (expired)` for an old document whose newer copy of the same kind is
    current, so that the register does not read as if both were in force."""
    if item.state not in ("expired", "deficient"):
        return ""
    newer = [
        e.id
        for e in evidence
        if e.kind_label == item.kind_label and e.id > item.id and e.state in ("current", "expiring")
    ]
    return f"superseded by #{max(newer)} ({item.state})" if newer else ""


def build_vendor_report(
    run: RunFacts,
    history: Sequence[RunFacts],
    vendor: Any,
    content: ContentSet,
    findings: Sequence[FindingFacts],
    evidence: Sequence[EvidenceFacts],
    questionnaire: tuple[str, dt.date, dt.date] | None,
    rendered_at: dt.datetime,
    statuses_at: dt.datetime | None = None,
) -> VendorReport:
    """The vendor report of `run`; `history` is every run of the vendor, oldest first;
    `findings` stand as they did at `statuses_at` (by default when the report is rendered)."""
    earlier = [r for r in history if (r.as_of, r.id) < (run.as_of, run.id)]
    previous = earlier[-1] if earlier else None
    change = (
        f"{run.score - previous.score:+.1f} since run #{previous.id} of {previous.as_of} "
        f"(rating {previous.rating})"
        if previous
        else "first assessment"
    )
    result = run.result
    evidence_by_id = {e.id: e for e in evidence}
    inputs = run.inputs
    organisation = recorded_organisation(inputs)
    controls = []
    for c in result.get("controls", ()):
        control = content.controls.get(c["id"])
        cited = [evidence_by_id[i].file_name for i in c.get("evidence", ()) if i in evidence_by_id]
        proof = "; ".join([*cited, *c.get("missing_evidence", ())]) or "none required"
        score = "-" if c.get("score") is None else f"{c['score']:.2f} x {c.get('weight', 0)}"
        controls.append(
            ControlLine(
                id=c["id"],
                domain=c.get("domain", ""),
                title=control.title if control else c["id"],
                question=" ".join(control.question.split()) if control else "",
                answer=answer_text(c.get("answer"), control),
                answered_by=RESPONDENTS.get(c.get("answered_by", "vendor"), "vendor"),
                comment=(c.get("comment") or ""),
                evidence=proof,
                status=STATUS_LABELS.get(c["status"], c["status"]),
                score=score,
                explanation=c.get("explanation", ""),
                knockout=bool(control and control.knockout),
                requirements=requirements(control, content, organisation) if control else "",
            )
        )
    statuses_at = statuses_at or rendered_at
    # Overdue is judged on the day the statuses were read, never before the run's own date.
    today = max(run.as_of, statuses_at.date())
    active = [f for f in findings if f.status in ACTIVE_FINDINGS]
    lines = sorted(
        (_finding_line(f, content, today) for f in active),
        key=lambda f: (_severity_rank(f.severity), f.due, f.control),
    )
    by_severity = tuple(
        (s.value, sum(1 for f in active if f.severity == s.value)) for s in SEVERITY_ORDER
    )
    counts: dict[str, int] = {}
    for c in result.get("controls", ()):
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    status_counts = tuple((STATUS_LABELS[k], counts[k]) for k in STATUS_LABELS if counts.get(k))
    method = method_rows(run, content, organisation)
    period = (
        f"questionnaire {questionnaire[0]} issued {questionnaire[1]}, due {questionnaire[2]}; "
        f"assessed as of {run.as_of}"
        if questionnaire
        else f"assessed as of {run.as_of}"
    )
    profile = (
        ("Services", ", ".join(words.service(s.value) for s in vendor.services)),
        (
            "Delivery",
            f"{vendor.delivery.value} from {', '.join(words.country(c) for c in vendor.countries)}",
        ),
        ("Data", ", ".join(words.data(d.value) for d in vendor.data)),
        ("Access", ", ".join(words.access(a.value) for a in vendor.access)),
        ("Criticality", vendor.criticality.value),
        (
            "Subcontractors",
            "; ".join(
                f"{s.name} ({s.service}, {words.country(s.country)})" for s in vendor.subcontractors
            )
            or "none declared",
        ),
        ("Relationship owner", vendor.owner),
    )
    return VendorReport(
        vendor_id=run.vendor_id,
        vendor_name=vendor.name,
        run_id=run.id,
        as_of=run.as_of.isoformat(),
        rendered_at=rendered_at.strftime("%Y-%m-%d %H:%M UTC"),
        statuses_at=statuses_at.strftime("%Y-%m-%d %H:%M UTC"),
        period=period,
        rating=run.rating,
        band_rating=run.band_rating,
        score=run.score,
        change=change,
        tier=run.tier,
        tier_points=inputs.get("tier_points"),
        tier_reasons=tuple(inputs.get("tier_reasons", ())),
        profile=profile,
        knockouts_failed=tuple(result.get("knockouts_failed", ())),
        caps=tuple(result.get("caps", ())),
        domains=tuple((d, float(s)) for d, s in result.get("domains", {}).items()),
        trend=tuple((f"#{r.id} {r.as_of}", r.score) for r in [*earlier, run]),
        findings_by_severity=by_severity,
        top_findings=tuple(lines[:5]),
        overdue=tuple(f for f in lines if f.overdue),
        findings=tuple(lines),
        status_counts=status_counts,
        controls=tuple(controls),
        evidence=tuple(
            EvidenceLine(
                e.id,
                e.kind_label,
                e.file_name,
                e.sha256,
                e.valid_until.isoformat() if e.valid_until else "does not expire",
                _superseded(e, evidence) or e.state,
                e.basis,
            )
            for e in sorted(evidence, key=lambda e: (e.kind_label, e.id))
        ),
        method=method,
        run_sha256=run.sha256,
    )
