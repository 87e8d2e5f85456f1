"""The questionnaire a vendor fills in a text editor (pure): built from the controls in scope,
grouped by checklist and section in file order, with last cycle's answers alongside."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from audit.content.answers import answer_values
from audit.content.model import AnswerSpec, Control, Policy
from audit.evidence.validity import required_dates
from audit.model import AnswerType
from audit.scoping import Scope

READER_KEYS = ("question", "guidance", "options", "expects", "requested_evidence", "previous")
VENDOR_KEYS = ("answer", "comment", "evidence")

_EXPECTS = {
    AnswerType.NUMBER: "a number",
    AnswerType.PERCENT: "a percentage from 0 to 100",
    AnswerType.DATE: "a date as YYYY-MM-DD",
    AnswerType.TEXT: "text",
}


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    vendor_id: str
    issued: dt.date
    due: dt.date
    checklists: Mapping[str, str]
    controls: tuple[Control, ...]
    previous: Mapping[str, Any]

    @property
    def content_sha256(self) -> str:
        """Hash of what was asked: the controls and how each is answered."""
        asked = [[c.id, c.checklist, c.question, repr(c.answer)] for c in self.controls]
        return hashlib.sha256(json.dumps(asked).encode()).hexdigest()


def build_questionnaire(
    questionnaire_id: str,
    vendor_id: str,
    scope: Scope,
    issued: dt.date,
    due: dt.date,
    previous: Mapping[str, Any],
) -> Questionnaire:
    return Questionnaire(
        id=questionnaire_id,
        vendor_id=vendor_id,
        issued=issued,
        due=due,
        checklists={part.checklist.id: part.checklist.version for part in scope.checklists},
        controls=scope.controls,
        previous={k: v for k, v in previous.items() if v is not None},
    )


def expects(spec: AnswerSpec) -> str | None:
    """What a free-valued answer should be, for the reader; None for option answers."""
    text = _EXPECTS.get(spec.type)
    if text is None:
        return None
    suffix = f" ({spec.unit})" if spec.unit else ""
    return text + suffix + (", or na" if spec.allow_na else "")


def _entry(control: Control, previous: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"question": " ".join(control.question.split())}
    values = answer_values(control.answer)
    if values is not None:
        entry["options"] = list(values)
        if control.answer.type is AnswerType.MULTI_CHOICE:
            entry["expects"] = "a list of one or more options"
    else:
        entry["expects"] = expects(control.answer)
    if control.evidence:
        entry["requested_evidence"] = [
            f"{e.label} ({'required' if e.required else 'optional'})" for e in control.evidence
        ]
    entry |= {"answer": None, "comment": None, "evidence": []}
    if previous is not None:
        entry["previous"] = previous
    return entry


def questionnaire_data(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire as plain data (what JSON output writes)."""
    return {
        "questionnaire": questionnaire.id,
        "vendor": questionnaire.vendor_id,
        "issued": questionnaire.issued.isoformat(),
        "due": questionnaire.due.isoformat(),
        "checklists": dict(questionnaire.checklists),
        "evidence": [],
        "answers": {
            c.id: _entry(c, questionnaire.previous.get(c.id)) for c in questionnaire.controls
        },
    }


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.strip().removesuffix("...").strip()


def _block(key: str, value: Any, indent: str) -> list[str]:
    if value is None:
        return [f"{indent}{key}:"]
    if isinstance(value, str) and len(value) > 80:
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=96, default_style=None)
        return [indent + line for line in dumped.rstrip().splitlines()]
    return [f"{indent}{key}: {_flow(value)}"]


def _kinds_help(policy: Policy, controls: tuple[Control, ...]) -> list[str]:
    requested = {k for c in controls for e in c.evidence for k in e.kinds}
    bridges = {
        policy.evidence_kinds[k].validity.bridge_kind
        for k in requested
        if k in policy.evidence_kinds and policy.evidence_kinds[k].validity.bridge_kind
    }
    lines = []
    for kind in policy.evidence_kinds.values():
        if kind.id not in requested | bridges:
            continue
        dates = ", ".join(required_dates(kind)) or "no dates"
        lines.append(f"#   {kind.id}: {kind.label} ({dates})")
    return lines


def render_yaml(questionnaire: Questionnaire, policy: Policy, titles: Mapping[str, str]) -> str:
    """YAML a vendor can fill in an editor: comments guide, section headers group controls."""
    data = questionnaire_data(questionnaire)
    lines = [
        "# Vendor questionnaire. For every control fill in `answer` (one of `options`, or what",
        "# `expects` says), optionally a `comment`, and in `evidence` the names of files you send",
        "# next to this file. Leave `answer` empty where you cannot answer yet. `question`,",
        "# `options`, `expects`, `requested_evidence` and `previous` are for reading only.",
        f"questionnaire: {questionnaire.id}",
        f"vendor: {questionnaire.vendor_id}",
        f"issued: {data['issued']}",
        f"due: {data['due']}",
        f"checklists: {_flow(data['checklists'])}",
        "# Every file you send, once, with its kind and the dates its kind needs, e.g.",
        "#   - {file: soc2-type2-2026.pdf, kind: soc2_type2, period_end: 2026-06-30}",
        "# Kinds this questionnaire asks for, and the dates each needs:",
        *_kinds_help(policy, questionnaire.controls),
        "evidence: []",
        "answers:",
    ]
    current = None
    for control in questionnaire.controls:
        group = (control.checklist, control.section)
        if group != current:
            current = group
            title = titles.get(f"{control.checklist}/{control.section}", control.section)
            lines.append(f"  # --- {control.checklist}: {title}")
        lines.append(f"  {control.id}:")
        for key, value in data["answers"][control.id].items():
            lines += _block(key, value, "    ")
    return "\n".join(lines) + "\n"


def render_json(questionnaire: Questionnaire) -> str:
    return json.dumps(questionnaire_data(questionnaire), indent=2, ensure_ascii=False) + "\n"
