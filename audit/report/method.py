"""The report's method section and citations (pure): what the run was scored from, under which
rules, and for which organisation, so that a committee can trace every number to its inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from audit.content.model import ContentSet, Control, RatingCap
from audit.organisation import Organisation

if TYPE_CHECKING:
    from audit.report.view import RunFacts


def cap_rule(cap: RatingCap) -> str:
    if cap.domain_below is not None:
        return f"a domain below {cap.domain_below:g} caps it at {cap.rating}"
    kinds = " or ".join(s.value for s in cap.severities)
    return f"{cap.gaps_at_least} or more {kinds} controls below half marks cap it at {cap.rating}"


def recorded_organisation(inputs: Mapping[str, Any]) -> Organisation | None:
    """The organisation the run was scored for; None for a run recorded before regimes were."""
    recorded = inputs.get("organisation")
    if not isinstance(recorded, Mapping):
        return None
    return Organisation.of(recorded.get("regimes"), recorded.get("country"))


def requirements(control: Control, content: ContentSet, organisation: Organisation | None) -> str:
    """The control's citations, leaving out frameworks that bind other regimes than the
    organisation's (a non-financial client's report does not cite DORA as its law)."""
    cited = []
    for framework_id, ids in control.references.items():
        framework = content.frameworks.get(framework_id)
        if framework is None:
            continue
        if organisation is not None and not organisation.cites(framework.regimes):
            continue
        cited.append(f"{framework.short} {', '.join(ids)}")
    return "; ".join(cited)


def method_rows(
    run: RunFacts, content: ContentSet, organisation: Organisation | None
) -> tuple[tuple[str, str], ...]:
    """The method section's rows: inputs with their hashes, the organisation, the rules."""
    inputs, result = run.inputs, run.result
    method: list[tuple[str, str]] = [
        (f"Checklist {cid}", f"version {c['version']}, sha256 {c['sha256']}")
        for cid, c in sorted(inputs.get("checklists", {}).items())
    ]
    policy = inputs.get("policy", {})
    if policy:
        method.append(
            (
                "Policy",
                f"{policy.get('id')} version {policy.get('version')}, "
                f"sha256 {policy.get('sha256')}",
            )
        )
    for key, label in (("submission", "Vendor's answers"), ("review", "Assessor's review")):
        part = inputs.get(key) or {}
        if part:
            by = f", completed by {part['completed_by']}" if part.get("completed_by") else ""
            # Answers given in the portal have no file: their hash is of the answers.
            hashed = (
                "; submitted in the portal), sha256 of the answers"
                if part.get("source") == "portal"
                else "), file sha256"
            )
            method.append(
                (
                    label,
                    f"{part.get('questionnaire')} version {part.get('version')} "
                    f"({part.get('status', 'final')}{by}{hashed} {part.get('sha256')}",
                )
            )
    method.append(
        (
            "Organisation",
            organisation.describe()
            if organisation is not None
            else "regimes not recorded (run made before regimes were declared)",
        )
    )
    if not inputs.get("review") and any(
        c.get("answered_by") == "assessor" for c in result.get("controls", ())
    ):
        method.append(("Assessor's review", "none recorded: contract questions unanswered"))
    rules, cadence = content.policy.rating, content.policy.cadence
    method += [
        (
            "Scoring",
            "domain score = 100 x sum(weight x effective score) / sum(weight) over "
            "applicable controls; overall = domain scores weighted "
            + ", ".join(f"{d} {w:g}" for d, w in rules.domain_weights.items()),
        ),
        (
            "Unverified factor",
            f"x{rules.unverified_factor:g} when required evidence is missing, "
            "expired, too old or does not cover the control",
        ),
        (
            "Rating bands",
            ", ".join(f"{b.rating} from {b.min_score:g}" for b in rules.bands)
            + f"; a failed knockout caps the rating at {rules.knockout_cap}"
            + "".join(f"; {cap_rule(c)}" for c in rules.caps),
        ),
        (
            "Inherent and residual risk",
            "the tier is the inherent risk: what the vendor does for us, with which data, "
            "access and locations, before any control. It decides which checklists apply and "
            "how often the vendor is assessed. The rating is the residual risk: what the "
            "answers and evidence leave once controls are scored. A high tier with a low "
            "rating is a risky service well controlled; "
            + (
                "a high or critical rating also brings the next assessment forward ("
                + ", ".join(f"{r} within {d} days" for r, d in cadence.rating_days.items())
                + ")"
                if cadence.rating_days
                else "the rating does not change the cadence"
            ),
        ),
        ("Run", f"#{run.id} as of {run.as_of}; canonical JSON attached as audit-run.json"),
        ("Run sha256", run.sha256),
    ]
    return tuple(method)
