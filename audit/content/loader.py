"""YAML files -> schema-checked documents -> frozen dataclasses, one file at a time.

Each `build_*` takes a schema-valid document and returns the object plus the problems that only
the file itself can reveal (duplicate ids inside it, unknown sections, bands that leave gaps).
Rules that span files live in `audit.content.integrity`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audit.content.conditions import parse_condition
from audit.content.model import (
    AnswerSpec,
    Cadence,
    Checklist,
    Control,
    EvidenceKind,
    EvidenceRequirement,
    Framework,
    Option,
    Policy,
    RatingBand,
    RatingCap,
    RatingPolicy,
    Requirement,
    ScopeRule,
    Section,
    Threshold,
    TierBand,
    TierFloor,
    TierRule,
    ValidityRule,
    frozen_map,
)
from audit.content.yamlsafe import MAX_BYTES, Document, parse_yaml
from audit.errors import ContentError, Problem
from audit.model import AnswerType, Rating, Respondent, Severity, Tier


def read_document(path: Path, source: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one YAML file without ever reading more than `max_bytes` of it."""
    try:
        if not path.is_file():
            raise ContentError([Problem(source, "not a regular file")])
        size = path.stat().st_size
        if size > max_bytes:
            raise ContentError(
                [Problem(source, f"file is {size:,} bytes; the limit is {max_bytes:,}")]
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ContentError([Problem(source, f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(raw, source, max_bytes=max_bytes)


def sha256_of(document: Document) -> str:
    """Content hash of what the document says (not of its comments or layout)."""
    canonical = json.dumps(document.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_document(
    path: Path, source: str, schema: str, *, max_bytes: int = MAX_BYTES
) -> tuple[Document | None, list[Problem]]:
    """Read a file and check it against a schema; every problem is returned, none raised."""
    try:
        document = read_document(path, source, max_bytes=max_bytes)
    except ContentError as exc:
        return None, exc.problems
    if not isinstance(document.data, dict):
        return None, [Problem(source, "expected a mapping at the top of the file", line=1)]
    from audit.content.schemas import validate  # jsonschema: only when content is read

    return document, validate(schema, document)


def _answer(raw: dict[str, Any]) -> AnswerSpec:
    answer_type = AnswerType(raw["type"])
    options = tuple(
        Option(o["value"], o["label"], o.get("score"), bool(o.get("not_applicable", False)))
        for o in raw.get("options", ())
    )
    thresholds = []
    for item in raw.get("thresholds", ()):
        if "within_days" in item:
            thresholds.append(Threshold("lte", float(item["within_days"]), float(item["score"])))
        else:
            (operator,) = (key for key in item if key != "score")
            thresholds.append(Threshold(operator, float(item[operator]), float(item["score"])))
    otherwise = raw.get("otherwise")
    return AnswerSpec(
        type=answer_type,
        options=options,
        thresholds=tuple(thresholds),
        otherwise=None if otherwise is None else float(otherwise),
        unit=raw.get("unit"),
        allow_na=bool(raw.get("allow_na", False)),
        max_length=raw.get("max_length"),
    )


def _evidence(raw: dict[str, Any]) -> EvidenceRequirement:
    kinds = (raw["kind"],) if "kind" in raw else tuple(raw["any_of"])
    return EvidenceRequirement(kinds, bool(raw["required"]), raw.get("max_age_days"))


def build_checklist(document: Document) -> tuple[Checklist, list[Problem]]:
    """A checklist from a schema-valid document, with the problems inside this one file."""
    data = document.data
    problems: list[Problem] = []
    source = document.source
    sections = tuple(Section(s["id"], s["title"]) for s in data["sections"])
    section_ids = [s.id for s in sections]
    for index, section_id in enumerate(section_ids):
        if section_id in section_ids[:index]:
            line = document.line_of(("sections", index))
            problems.append(Problem(source, f"duplicate section '{section_id}'", line=line))
    controls = []
    for index, raw in enumerate(data["controls"]):
        line = document.line_of(("controls", index))
        where = f"controls[{raw['id']}]"
        if raw["section"] not in section_ids:
            problems.append(
                Problem(
                    source,
                    f"unknown section '{raw['section']}'; declare it under sections",
                    line=document.line_of(("controls", index, "section")),
                    path=f"{where}.section",
                )
            )
        values = [o["value"] for o in raw["answer"].get("options", ())]
        if len(set(values)) != len(values):
            problems.append(
                Problem(source, "option values repeat", line=line, path=f"{where}.answer.options")
            )
        if "knockout_below" in raw and not raw.get("knockout"):
            problems.append(
                Problem(
                    source,
                    "knockout_below is the line a knockout fails below; set knockout: true too",
                    line=line,
                    path=f"{where}.knockout_below",
                )
            )
        if raw.get("knockout") and raw["weight"] == 0:
            problems.append(
                Problem(
                    source, "an informational control cannot be a knockout", line=line, path=where
                )
            )
        controls.append(
            Control(
                id=raw["id"],
                checklist=data["checklist"],
                domain=data["domain"],
                section=raw["section"],
                title=raw["title"],
                question=raw["question"],
                guidance=raw["guidance"],
                answer=_answer(raw["answer"]),
                weight=raw["weight"],
                severity=Severity(raw["severity"]),
                knockout=bool(raw.get("knockout", False)),
                knockout_below=float(raw.get("knockout_below", 1.0)),
                applies_when=parse_condition(raw["applies_when"])
                if "applies_when" in raw
                else None,
                evidence=tuple(_evidence(e) for e in raw.get("evidence", ())),
                references=frozen_map({k: tuple(v) for k, v in raw["references"].items()}),
                remediation=raw["remediation"],
                line=line,
                answered_by=Respondent(raw.get("answered_by", Respondent.VENDOR)),
            )
        )
    checklist = Checklist(
        id=data["checklist"],
        version=data["version"],
        title=data["title"],
        domain=data["domain"],
        summary=data["summary"],
        sections=sections,
        controls=tuple(controls),
        source=source,
        sha256=sha256_of(document),
    )
    return checklist, problems


def build_framework(document: Document) -> tuple[Framework, list[Problem]]:
    """A framework index from a schema-valid document; requirement ids must be unique."""
    data = document.data
    problems = []
    seen: set[str] = set()
    for index, raw in enumerate(data["requirements"]):
        if raw["id"] in seen:
            problems.append(
                Problem(
                    document.source,
                    f"duplicate requirement id '{raw['id']}'",
                    line=document.line_of(("requirements", index)),
                )
            )
        seen.add(raw["id"])
    framework = Framework(
        id=data["framework"],
        title=data["title"],
        publisher=data["publisher"],
        edition=data["edition"],
        scope_note=data.get("scope_note"),
        regimes=tuple(data.get("regimes", ())),
        short_title=data.get("short_title"),
        requirements=tuple(
            Requirement(r["id"], r["title"], r.get("group"), r.get("duty"))
            for r in data["requirements"]
        ),
        source=document.source,
        sha256=sha256_of(document),
    )
    return framework, problems


def _bands_problems(
    document: Document, key: tuple[str, str], names: list[str], minimums: list[float]
) -> list[Problem]:
    section, label = key
    problems = []
    line = document.line_of((section, "bands"))
    if len(set(names)) != len(names):
        problems.append(Problem(document.source, f"each {label} must appear once", line=line))
    if sorted(minimums, reverse=True) != minimums or len(set(minimums)) != len(minimums):
        problems.append(
            Problem(
                document.source,
                f"{label} bands must be listed from the highest minimum down, without ties",
                line=line,
            )
        )
    if minimums and minimums[-1] != 0:
        problems.append(
            Problem(document.source, f"the last {label} band must start at 0", line=line)
        )
    return problems


def _validity_rule(raw: Mapping[str, Any]) -> ValidityRule:
    since = raw.get("issued_on_or_after")
    fields = dict(raw)
    if since is not None:  # the schema checked its form
        fields["issued_on_or_after"] = dt.date.fromisoformat(str(since))
    return ValidityRule(**fields)


def build_policy(document: Document) -> tuple[Policy, list[Problem]]:
    """A policy from a schema-valid document; bands must cover every value without gaps."""
    data = document.data
    tiering, rating, cadence = data["tiering"], data["rating"], data["cadence"]
    problems = _bands_problems(
        document,
        ("tiering", "tier"),
        [b["tier"] for b in tiering["bands"]],
        [b["min_points"] for b in tiering["bands"]],
    ) + _bands_problems(
        document,
        ("rating", "rating"),
        [b["rating"] for b in rating["bands"]],
        [b["min_score"] for b in rating["bands"]],
    )
    policy = Policy(
        id=data["policy"],
        version=data["version"],
        title=data["title"],
        summary=data["summary"],
        tier_rules=tuple(
            TierRule(parse_condition(r["when"]), r["points"], r["reason"], r.get("group"))
            for r in tiering["rules"]
        ),
        tier_bands=tuple(TierBand(Tier(b["tier"]), b["min_points"]) for b in tiering["bands"]),
        tier_floors=tuple(
            TierFloor(parse_condition(f["when"]), Tier(f["tier"]), f["reason"])
            for f in tiering.get("floors", ())
        ),
        scope=tuple(
            ScopeRule(
                s["checklist"], s["reason"], parse_condition(s["when"]) if "when" in s else None
            )
            for s in data["scope"]
        ),
        rating=RatingPolicy(
            domain_weights=frozen_map({k: float(v) for k, v in rating["domain_weights"].items()}),
            bands=tuple(
                RatingBand(Rating(b["rating"]), float(b["min_score"])) for b in rating["bands"]
            ),
            knockout_cap=Rating(rating["knockout_cap"]),
            unverified_factor=float(rating["unverified_factor"]),
            caps=tuple(
                RatingCap(
                    Rating(c["rating"]),
                    tuple(Severity(s) for s in c.get("gaps", {}).get("severity", ())),
                    c.get("gaps", {}).get("at_least"),
                    float(c["domain_below"]) if "domain_below" in c else None,
                )
                for c in rating.get("caps", ())
            ),
        ),
        cadence=Cadence(
            reassess_days=frozen_map({Tier(k): v for k, v in cadence["reassess_days"].items()}),
            response_days=cadence["response_days"],
            questionnaire_reminders=tuple(sorted(cadence["questionnaire_reminders"])),
            evidence_warnings=tuple(sorted(cadence["evidence_warnings"], reverse=True)),
            remediation_days=frozen_map(
                {Severity(k): v for k, v in cadence["remediation_days"].items()}
            ),
            expiring_within_days=cadence["expiring_within_days"],
            link_grace_days=cadence.get("link_grace_days", 14),
            rating_days=frozen_map(
                {Rating(k): v for k, v in cadence.get("reassess_days_after_rating", {}).items()}
            ),
        ),
        evidence_kinds=frozen_map(
            {
                kind: EvidenceKind(
                    kind, raw["label"], _validity_rule(raw["validity"]), raw.get("description", "")
                )
                for kind, raw in data["evidence_kinds"].items()
            }
        ),
        source=document.source,
        sha256=sha256_of(document),
    )
    return policy, problems
