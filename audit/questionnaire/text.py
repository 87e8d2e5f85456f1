"""The questionnaire as YAML (to fill in an editor) and JSON (for automation): the same data,
every question with its words and its reading spec, so the file can check itself."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from audit.model import Respondent, SubmissionStatus
from audit.questionnaire.document import FORMAT, Question, Questionnaire, question_spec
from audit.questionnaire.words import evidence_words, expects, follow_up_words

# What the party answering writes; everything else in the file is for reading.
ANSWER_KEYS = ("answer", "confirmed", "comment", "evidence")
TOP_ANSWER_KEYS = ("status", "completed_by", "evidence")


@dataclass(frozen=True, slots=True)
class Filling:
    """Answers to write into the document: a filled copy (the sample portfolio's files, or a
    submission written back out)."""

    answers: Mapping[str, Mapping[str, Any]]  # control -> answer, confirmed, comment, evidence
    evidence: Sequence[Mapping[str, Any]] = ()
    status: str = SubmissionStatus.DRAFT.value
    completed_by: str | None = None


def _entry(question: Question, questionnaire: Questionnaire) -> dict[str, Any]:
    spec = question_spec(question, questionnaire.prefilled)
    spec.pop("id")
    prefill = spec.pop("prefill", None)

    def kind_label(kind_id: str) -> str:
        kind = questionnaire.kind(kind_id)
        return kind.label if kind else kind_id

    entry: dict[str, Any] = {"title": question.title}
    follow_up = follow_up_words(question, questionnaire)
    if follow_up:
        entry["follow_up"] = follow_up
    entry |= {
        "question": question.text,
        "guidance": question.guidance,
        **spec,
        "expects": expects(question),
    }
    if question.evidence:
        entry["evidence_requested"] = [evidence_words(a, kind_label) for a in question.evidence]
    if question.previous is not None:
        entry["previous"] = question.previous
    entry["answer"] = prefill
    if prefill is not None:
        entry["confirmed"] = False
    entry |= {"comment": None, "evidence": []}
    return entry


def questionnaire_data(
    questionnaire: Questionnaire, filling: Filling | None = None
) -> dict[str, Any]:
    """The questionnaire as plain data: what the JSON file holds and the YAML file says."""
    q = questionnaire
    data: dict[str, Any] = {
        "format": FORMAT,
        "questionnaire": q.id,
        "part": q.part.value,
        "vendor": q.vendor_id,
        "vendor_name": q.vendor_name,
        "from": q.requester.organisation,
        "contact": q.requester.contact,
        "issued": q.issued.isoformat(),
        "due": q.due.isoformat(),
        "checklists": dict(q.checklists),
        "sha256": q.sha256,
        "prefilled": q.prefilled,
        "status": SubmissionStatus.DRAFT.value,
        "completed_by": None,
        "evidence_kinds": {
            k.id: {"label": k.label, "dates": list(k.dates), "shows": k.description}
            for k in q.kinds
        },
        "evidence": [],
        "answers": {question.id: _entry(question, q) for question in q.questions},
    }
    if filling is not None:
        data["status"] = filling.status
        data["completed_by"] = filling.completed_by
        data["evidence"] = [dict(item) for item in filling.evidence]
        for control_id, values in filling.answers.items():
            entry = data["answers"].get(control_id)
            if entry is not None:
                entry.update({k: v for k, v in values.items() if k in ANSWER_KEYS})
    return data


def render_json(questionnaire: Questionnaire, filling: Filling | None = None) -> str:
    data = questionnaire_data(questionnaire, filling)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# libyaml's emitter (when PyYAML was built with it) writes the same text as the pure-Python
# one, about ten times faster: a questionnaire is some six hundred small dumps.
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _safe_dump(value: Any, **options: Any) -> str:
    return str(yaml.dump(value, Dumper=_Dumper, **options))


def _flow(value: Any) -> str:
    text = _safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.strip().removesuffix("...").strip()


def _folded(key: str, text: str, indent: str) -> list[str]:
    """A long text as a folded block (`key: >-`): no quoting, whatever the text contains."""
    body = textwrap.wrap(
        text, width=96 - len(indent), break_long_words=False, break_on_hyphens=False
    )
    return [f"{indent}{key}: >-", *(f"{indent}  {line}" for line in body)]


# Rendered lines by (key, value, indent): questionnaires repeat the same titles, questions,
# guidance and options for every vendor in scope of a control. The value's type and repr stand
# for it (equal for equal answers, options and dates; different for 1, 1.0 and True).
_DUMPED: dict[tuple[str, str, str], tuple[str, ...]] = {}


def _dump(key: str, value: Any, indent: str) -> list[str]:
    token = (key, f"{type(value).__name__}:{value!r}", indent)
    lines = _DUMPED.get(token)
    if lines is None:
        if len(_DUMPED) >= 20_000:
            _DUMPED.clear()
        lines = _DUMPED[token] = tuple(_dump_any(key, value, indent))
    return list(lines)


def _dump_any(key: str, value: Any, indent: str) -> list[str]:
    if value is None:
        return [f"{indent}{key}:"]
    if isinstance(value, str) and len(value) > 60 and value == " ".join(value.split()):
        return _folded(key, value, indent)
    if isinstance(value, dict | list) and value and key != "condition":
        text = _safe_dump({key: value}, allow_unicode=True, width=96, sort_keys=False)
    else:
        text = _safe_dump(
            {key: value},
            allow_unicode=True,
            width=96 if isinstance(value, str) else 10_000,
            default_flow_style=True if key == "condition" else None,
            sort_keys=False,
        )
        if text.startswith("{"):  # a flow mapping at the top: unwrap it
            text = text.strip()[1:-1] + "\n"
    return [indent + line for line in text.rstrip().removesuffix("...").rstrip().splitlines()]


def _header(questionnaire: Questionnaire) -> list[str]:
    who = questionnaire.requester.organisation or "your client"
    if questionnaire.part is Respondent.ASSESSOR:
        return [
            f"# Assessor's part of the audit of {questionnaire.vendor_name}: the questions only",
            "# we can answer, from the executed contract, DPA or BAA. Answer each from the signed",
            "# documents, declare each document once under `evidence:` (kind `contract`, `dpa` or",
            "# `baa`) and cite it under the answers it supports. Set `completed_by` to your name",
            "# and `status: final` when done; `audit review VENDOR --import FILE` stores it.",
        ]
    return [
        f"# Questionnaire from {who} to {questionnaire.vendor_name}; please return it by"
        f" {questionnaire.due}.",
        "# For each question write `answer:` (for options: the code before the colon, or the words",
        "# after it), add a `comment:` where useful, and under `evidence:` the names of the files",
        "# that support the answer. Declare each file you send once, in the `evidence:` list at",
        "# the top, with its kind and the dates its kind needs (see `evidence_kinds`). A document",
        "# counts for every question that asks for its kind, cited or not; to limit one to some",
        "# questions, add `only_for: [QUESTION-ID, ...]` to its entry. Put text",
        '# that contains a colon in quotes: comment: "CISO: J. Reyes". Indent with spaces, never',
        "# tabs.",
        "# Leave an answer empty until you know it; set `status: final` when every question is",
        "# answered, and `completed_by` to your name and e-mail. Everything else is for reading.",
        f"# Questions? Ask {questionnaire.requester.contact}. Check the file before you send it:",
        "# `audit questionnaire check FILE` (pip install vendor-audit) lists every problem.",
    ]


def render_yaml(questionnaire: Questionnaire, filling: Filling | None = None) -> str:
    """YAML to fill in an editor: comments guide, section headers group the questions."""
    data = questionnaire_data(questionnaire, filling)
    lines = _header(questionnaire)
    for key, value in data.items():
        if key == "evidence_kinds":
            lines.append(
                "# The kinds of document asked for, the dates each must state, and what it shows:"
            )
        if key == "evidence":
            lines += [
                "# Every file you send, once, with its kind and dates, e.g.",
                "#   - {file: soc2-type2-2026.pdf, kind: soc2_type2, period_end: 2026-06-30}",
            ]
        if key == "answers":
            break
        if key == "evidence" and value:
            lines.append("evidence:")
            lines += [f"  - {_flow(item)}" for item in value]
            continue
        lines += _dump(key, value, "")
    lines.append("answers:")
    current = None
    for question in questionnaire.questions:
        group = (question.checklist, question.section)
        if group != current:
            current = group
            checklist = questionnaire.checklist_titles.get(question.checklist, question.checklist)
            lines.append(f"  # === {checklist}: {questionnaire.section_title(question)}")
        lines.append(f"  {question.id}:")
        for key, value in data["answers"][question.id].items():
            lines += _dump(key, value, "    ")
    return "\n".join(lines) + "\n"
