"""The questionnaire document (pure): what one party is asked, with everything needed to answer
it without the checklists, and everything needed to read the filled copy back without a
workspace.

One model feeds every rendering (YAML, JSON, the workbook, and later the portal); one reader
reads them all back. The *reading spec* is the part a reader relies on (question ids, answer
types, options with their labels, follow-up conditions, pre-filled answers, the dates each kind
of evidence needs); its SHA-256 identifies the questionnaire, so a file that comes back can be
matched with what was issued, and a file whose options were edited is caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from audit.content.answers import NOT_APPLICABLE
from audit.content.conditions import Condition, condition_data, parse_condition, residual
from audit.content.model import AnswerSpec, Control, Option, Policy
from audit.evidence.validity import required_dates
from audit.model import AnswerType, Respondent
from audit.scoping import Scope

FORMAT = 2  # the layout of issued documents; readers refuse what they do not know
YES_NO_LABELS = {"yes": "Yes", "no": "No"}
NA_LABEL = "Not applicable"


@dataclass(frozen=True, slots=True)
class EvidenceAsk:
    """A document a question asks for: one of `kinds`, required or optional, at most so old."""

    kinds: tuple[str, ...]
    required: bool
    max_age_days: int | None = None


@dataclass(frozen=True, slots=True)
class KindInfo:
    """A kind of evidence as the party answering sees it."""

    id: str
    label: str
    description: str
    dates: tuple[str, ...]  # the dates a document of this kind must state


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    checklist: str
    section: str
    title: str
    text: str
    guidance: str
    answer: AnswerSpec  # options carry labels, never scores
    evidence: tuple[EvidenceAsk, ...] = ()
    follow_up: Condition | None = None  # on answers only: facts are decided at issue
    previous: Any = None

    @property
    def choices(self) -> tuple[Option, ...]:
        """The answers to pick from, with labels (yes/no and not applicable included)."""
        spec = self.answer
        if spec.type is AnswerType.YES_NO:
            options = tuple(Option(v, label) for v, label in YES_NO_LABELS.items())
            return options + (
                (Option(NOT_APPLICABLE, NA_LABEL, None, True),) if spec.allow_na else ()
            )
        return spec.options

    def label_of(self, value: Any) -> str | None:
        """The words for a stored value (a list for multiple choice), or None if not an option."""
        if isinstance(value, list):
            labels = [self.label_of(v) for v in value]
            return "; ".join(label for label in labels if label) if all(labels) else None
        if value == NOT_APPLICABLE and self.answer.allow_na:
            return NA_LABEL
        return next((o.label for o in self.choices if o.value == value), None)


@dataclass(frozen=True, slots=True)
class Section:
    checklist: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asks: the organisation, and whom to ask and return the answers to."""

    organisation: str | None
    contact: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    part: Respondent
    vendor_id: str
    vendor_name: str
    issued: dt.date
    due: dt.date
    requester: Requester
    checklists: Mapping[str, str]  # id -> version
    checklist_titles: Mapping[str, str]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    kinds: tuple[KindInfo, ...]
    prefilled: bool = False

    @property
    def sha256(self) -> str:
        """Identifies what a reader relies on; see `reading_spec`."""
        canonical = json.dumps(reading_spec(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def kind(self, kind_id: str) -> KindInfo | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def section_title(self, question: Question) -> str:
        found = next(
            (
                s
                for s in self.sections
                if (s.checklist, s.id) == (question.checklist, question.section)
            ),
            None,
        )
        return found.title if found else question.section


def _reading_answer(spec: AnswerSpec) -> AnswerSpec:
    """The answer as the party answering sees it: values and labels, no scores or thresholds."""
    return AnswerSpec(
        type=spec.type,
        options=tuple(Option(o.value, o.label, None, o.not_applicable) for o in spec.options),
        unit=spec.unit,
        allow_na=spec.allow_na,
        max_length=spec.max_length,
    )


def _question(control: Control, facts: Mapping[str, Any], previous: Any) -> Question:
    follow_up = None
    if control.applies_when is not None:
        left = residual(control.applies_when, facts)
        follow_up = None if isinstance(left, bool) else left
    return Question(
        id=control.id,
        checklist=control.checklist,
        section=control.section,
        title=control.title,
        text=" ".join(control.question.split()),
        guidance=" ".join(control.guidance.split()),
        answer=_reading_answer(control.answer),
        evidence=tuple(EvidenceAsk(e.kinds, e.required, e.max_age_days) for e in control.evidence),
        follow_up=follow_up,
        previous=previous,
    )


def kinds_asked(policy: Policy, controls: Sequence[Control]) -> tuple[KindInfo, ...]:
    """The evidence kinds the controls ask for, and the bridge letters that extend them, in the
    policy's order."""
    asked = {kind for c in controls for e in c.evidence for kind in e.kinds}
    bridges = {
        bridge
        for kind in asked
        if kind in policy.evidence_kinds
        and (bridge := policy.evidence_kinds[kind].validity.bridge_kind) is not None
    }
    return tuple(
        KindInfo(k.id, k.label, k.description, required_dates(k))
        for k in policy.evidence_kinds.values()
        if k.id in asked | bridges
    )


def build_questionnaire(
    questionnaire_id: str,
    *,
    part: Respondent,
    vendor: tuple[str, str],
    scope: Scope,
    facts: Mapping[str, Any],
    policy: Policy,
    dates: tuple[dt.date, dt.date],
    requester: Requester,
    previous: Mapping[str, Any],
    prefill: bool = False,
) -> Questionnaire:
    """The document for one party: the controls in scope that this party answers."""
    controls = [c for c in scope.controls if c.answered_by is part]
    checklists = [
        p.checklist
        for p in scope.checklists
        if any(c.checklist == p.checklist.id for c in controls)
    ]
    return Questionnaire(
        id=questionnaire_id,
        part=part,
        vendor_id=vendor[0],
        vendor_name=vendor[1],
        issued=dates[0],
        due=dates[1],
        requester=requester,
        checklists={c.id: c.version for c in checklists},
        checklist_titles={c.id: c.title for c in checklists},
        sections=tuple(Section(c.id, s.id, s.title) for c in checklists for s in c.sections),
        questions=tuple(_question(c, facts, previous.get(c.id)) for c in controls),
        kinds=kinds_asked(policy, controls),
        prefilled=prefill,
    )


def question_spec(question: Question, prefilled: bool) -> dict[str, Any]:
    """What a reader needs of one question, as plain data (the workbook stores it as JSON)."""
    spec = question.answer
    data: dict[str, Any] = {"id": question.id, "type": spec.type.value}
    if spec.type in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE, AnswerType.YES_NO):
        data["options"] = {o.value: o.label for o in question.choices}
    not_applicable = [o.value for o in spec.options if o.not_applicable]
    if not_applicable and spec.type is AnswerType.MULTI_CHOICE:
        data["not_applicable"] = not_applicable
    if spec.unit:
        data["unit"] = spec.unit
    if spec.allow_na and spec.type is not AnswerType.YES_NO:
        data["allow_na"] = True
    if spec.max_length:
        data["max_length"] = spec.max_length
    if question.follow_up is not None:
        data["condition"] = condition_data(question.follow_up)
    if prefilled and question.previous is not None:
        data["prefill"] = question.previous
    return data


def reading_spec(questionnaire: Questionnaire) -> dict[str, Any]:
    """Everything a reader of the filled copy relies on; its hash identifies the document."""
    return {
        "format": FORMAT,
        "questionnaire": questionnaire.id,
        "part": questionnaire.part.value,
        "vendor": questionnaire.vendor_id,
        "questions": [question_spec(q, questionnaire.prefilled) for q in questionnaire.questions],
        "kinds": {k.id: list(k.dates) for k in questionnaire.kinds},
    }


def spec_question(data: Mapping[str, Any]) -> Question:
    """A question from its reading spec: what a self-check knows, without the checklists.

    Raises ValueError on data that is not a reading spec."""
    answer_type = AnswerType(data["type"])
    options: tuple[Option, ...] = ()
    allow_na = bool(data.get("allow_na", False))
    raw_options = data.get("options") or {}
    if not isinstance(raw_options, Mapping):
        raise ValueError("options must be a mapping of codes to labels")
    if answer_type is AnswerType.YES_NO:
        allow_na = NOT_APPLICABLE in raw_options
    else:
        alone = set(data.get("not_applicable") or ())
        options = tuple(
            Option(str(v), str(label), None, v in alone) for v, label in raw_options.items()
        )
    condition = data.get("condition")
    return Question(
        id=str(data["id"]),
        checklist="",
        section="",
        title="",
        text="",
        guidance="",
        answer=AnswerSpec(
            type=answer_type,
            options=options,
            unit=data.get("unit"),
            allow_na=allow_na,
            max_length=data.get("max_length"),
        ),
        follow_up=None if condition is None else parse_condition(condition),
        previous=data.get("prefill"),
    )


def display_data(questionnaire: Questionnaire) -> dict[str, Any]:
    """What a person answering reads beyond the reading spec (titles, questions, guidance,
    sections, the evidence asked for), stored at issue so the portal shows the questionnaire
    exactly as it was issued, whatever the checklists say since."""
    return {
        "checklists": dict(questionnaire.checklist_titles),
        "sections": [[s.checklist, s.id, s.title] for s in questionnaire.sections],
        "questions": {
            q.id: {
                "checklist": q.checklist,
                "section": q.section,
                "title": q.title,
                "text": q.text,
                "guidance": q.guidance,
                "evidence": [
                    {"kinds": list(e.kinds), "required": e.required, "max_age_days": e.max_age_days}
                    for e in q.evidence
                ],
            }
            for q in questionnaire.questions
        },
        "kinds": {k.id: k.description for k in questionnaire.kinds},
    }


def _displayed(question: Question, shown: Mapping[str, Any]) -> Question:
    data = shown.get(question.id)
    if not isinstance(data, Mapping):
        return question
    return replace(
        question,
        checklist=str(data["checklist"]),
        section=str(data["section"]),
        title=str(data["title"]),
        text=str(data["text"]),
        guidance=str(data["guidance"]),
        evidence=tuple(
            EvidenceAsk(tuple(e["kinds"]), bool(e["required"]), e.get("max_age_days"))
            for e in data["evidence"]
        ),
    )


def questionnaire_from_spec(
    spec: Mapping[str, Any],
    kind_labels: Mapping[str, str],
    header: Mapping[str, Any],
    display: Mapping[str, Any] | None = None,
) -> Questionnaire:
    """The questionnaire a filled file carries, for checking it where no workspace is at hand;
    with `display` (stored at issue), also everything a person answering reads.

    Raises ValueError (or KeyError, TypeError) when the spec is damaged."""
    if spec.get("format") != FORMAT:
        raise ValueError(f"format {spec.get('format')!r} is not {FORMAT}")
    display = display or {}
    shown = display.get("questions") or {}
    questions = tuple(_displayed(spec_question(q), shown) for q in spec["questions"])
    descriptions = display.get("kinds") or {}
    kinds = tuple(
        KindInfo(
            str(k),
            str(kind_labels.get(k, k)),
            str(descriptions.get(k, "")),
            tuple(str(d) for d in dates),
        )
        for k, dates in spec["kinds"].items()
    )
    prefilled = any(q.previous is not None for q in questions)
    return Questionnaire(
        id=str(spec["questionnaire"]),
        part=Respondent(spec["part"]),
        vendor_id=str(spec["vendor"]),
        vendor_name=str(header.get("vendor_name") or spec["vendor"]),
        issued=dt.date.fromisoformat(str(header.get("issued") or "1970-01-01")),
        due=dt.date.fromisoformat(str(header.get("due") or "1970-01-01")),
        requester=Requester(
            organisation if isinstance(organisation := header.get("organisation"), str) else None,
            str(header.get("contact") or ""),
        ),
        checklists={},
        checklist_titles=dict(display.get("checklists") or {}),
        sections=tuple(Section(*map(str, s)) for s in display.get("sections") or ()),
        questions=questions,
        kinds=kinds,
        prefilled=prefilled,
    )
