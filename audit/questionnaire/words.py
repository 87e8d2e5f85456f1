"""The questionnaire in words a vendor's compliance manager reads (pure): what to enter, when a
follow-up is asked, what evidence is requested and what a date field means."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from audit.content.conditions import AllOf, Condition, Leaf, Not
from audit.model import AnswerType, Respondent
from audit.questionnaire.document import EvidenceAsk, Question, Questionnaire

DATE_WORDS = {
    "issued": "issue date",
    "expires": "expiry date",
    "period_start": "start of the period it covers",
    "period_end": "end of the period it covers",
    "audited": "date of the last surveillance or recertification audit",
}
DATE_EXAMPLE = "2026-06-15"

_ENTER = {
    AnswerType.NUMBER: "a number",
    AnswerType.PERCENT: "a percentage from 0 to 100",
    AnswerType.DATE: f"a date written like {DATE_EXAMPLE}",
    AnswerType.TEXT: "text",
}


def expects(question: Question) -> str:
    """What to enter, e.g. 'a number (hours), or na if not applicable'."""
    spec = question.answer
    if spec.type is AnswerType.MULTI_CHOICE:
        return "one or more of the options"
    if spec.type in (AnswerType.CHOICE, AnswerType.YES_NO):
        return "one of the options"
    text = _ENTER[spec.type] + (f" ({spec.unit})" if spec.unit else "")
    if spec.type is AnswerType.TEXT and spec.max_length:
        text += f", at most {spec.max_length} characters"
    return text + (", or na if not applicable" if spec.allow_na else "")


def _quoted(labels: list[str]) -> str:
    shown = [f'"{label}"' for label in labels]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _values(argument: Any) -> list[Any]:
    return list(argument) if isinstance(argument, tuple | list) else [argument]


def _leaf(leaf: Leaf, questions: Mapping[str, Question], negated: bool) -> str:
    other = questions.get(leaf.subject)

    def label(value: Any) -> str:
        found = other.label_of(value) if other is not None else None
        return found or str(value)

    subject = leaf.subject
    values = [label(v) for v in _values(leaf.argument)]
    operator = leaf.operator
    if operator in ("not_equals",):
        operator, negated = "equals", not negated
    if operator in ("equals", "in", "contains", "contains_any"):
        verb = "did not choose" if negated else "chose"
        return f"you {verb} {_quoted(values)} in {subject}"
    if operator == "contains_all":
        verb = "did not choose all of" if negated else "chose all of"
        return f"you {verb} {_quoted(values)} in {subject}"
    if operator == "subset_of":
        verb = "chose something other than" if negated else "chose only among"
        return f"you {verb} {_quoted(values)} in {subject}"
    if operator == "exists":
        answered = bool(leaf.argument) is not negated
        return f"you answered {subject}" if answered else f"you left {subject} blank"
    words = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}
    opposite = {"gt": "at most", "gte": "less than", "lt": "at least", "lte": "more than"}
    bound = (opposite if negated else words)[operator]
    return f"your answer to {subject} is {bound} {values[0]}"


def _condition(
    condition: Condition, questions: Mapping[str, Question], negated: bool, nested: bool = False
) -> str:
    if isinstance(condition, Leaf):
        return _leaf(condition, questions, negated)
    if isinstance(condition, Not):
        return _condition(condition.item, questions, not negated, nested)
    # De Morgan: "not (a and b)" reads as "not a, or not b".
    all_of = isinstance(condition, AllOf) is not negated
    parts = [_condition(item, questions, negated, True) for item in condition.items]
    joined = (" and " if all_of else " or ").join(parts)
    return f"({joined})" if nested and len(parts) > 1 else joined


def follow_up_words(question: Question, questionnaire: Questionnaire) -> str | None:
    """'Answer this only if you chose "Manual pause" in DAT-PCI-01', or None."""
    if question.follow_up is None:
        return None
    questions = {q.id: q for q in questionnaire.questions}
    return "Answer this only if " + _condition(question.follow_up, questions, False)


def evidence_words(ask: EvidenceAsk, kind_label: Callable[[str], str]) -> str:
    """'Access control policy, required, at most 730 days old'."""
    kinds = " or ".join(kind_label(k) for k in ask.kinds)
    age = f", at most {ask.max_age_days} days old" if ask.max_age_days else ""
    return f"{kinds}, {'required' if ask.required else 'optional'}{age}"


def dates_words(dates: tuple[str, ...]) -> str:
    return ", ".join(DATE_WORDS[d] for d in dates) if dates else "no dates needed"


def previous_words(question: Question) -> str | None:
    """Last cycle's answer in words: the label, with the number's unit."""
    value = question.previous
    if value is None:
        return None
    label = question.label_of(value)
    if label is not None:
        return label
    unit = question.answer.unit
    return f"{value} {unit}" if unit else str(value)


# The workbook's words: what its instructions and columns tell the person filling it.


def asked_by(asks: tuple[list[str], list[str], list[int]] | None) -> str:
    """Which questions ask for a kind of document, and the strictest age any of them allows."""
    if asks is None:
        return "Extends another document (for example a bridge letter for a SOC report)"
    required, optional, ages = asks
    lines = []
    if required:
        lines.append("Required for " + ", ".join(required))
    if optional:
        lines.append("Optional for " + ", ".join(optional))
    if ages:
        lines.append(f"At most {min(ages)} days old")
    return ".\n".join(lines) + "."


def how_to_answer(question: Question) -> str:
    """What to enter; for options, the options themselves, so a printed copy shows them."""
    if question.answer.type in (AnswerType.CHOICE, AnswerType.YES_NO, AnswerType.MULTI_CHOICE):
        several = question.answer.type is AnswerType.MULTI_CHOICE
        head = "Choose one or more (separate with ;):" if several else "Choose one:"
        return head + "".join(f"\n- {o.label}" for o in question.choices)
    how = expects(question)
    return how[:1].upper() + how[1:]


def cell_value(question: Question, value: Any) -> Any:
    """A stored answer as the workbook shows it: options by their words."""
    label = question.label_of(value)
    if label is not None:
        return label
    return value


def workbook_sheet_note(q: Questionnaire) -> str:
    return (
        "Fill the yellow cells: Answer, Comment and Evidence files. Grey rows name the section; "
        "lilac questions are follow-ups, to answer only when their condition holds."
    )


def workbook_how_to(q: Questionnaire) -> list[str]:
    who = q.requester.contact
    if q.part is Respondent.ASSESSOR:
        return [
            "1. Answer each question from the executed contract, DPA or BAA, not from the "
            "vendor's word.",
            "2. On the Evidence sheet, name the signed documents you relied on and their dates.",
            "3. Under Evidence files, name the document that supports each answer.",
            "4. Put your name under Completed by, set the status to Final, and import the file:",
            "   audit review VENDOR --import FILE",
        ]
    return [
        "1. On each question sheet, choose or type your answer in the yellow Answer cell.",
        "   Choices: pick from the drop-down list. Numbers and percentages: digits only.",
        f"   Dates: written like {DATE_EXAMPLE}.",
        "2. Add a Comment where the answer needs explaining (for example an exception).",
        "3. On the Evidence sheet, name each document you send and give the dates it asks for.",
        "   Under a question's Evidence files, name the documents that support that answer.",
        "4. Lilac questions are follow-ups: answer them only when their condition holds.",
        *(
            ["   Pre-filled answers come from last cycle: confirm each with Yes, or change it."]
            if q.prefilled
            else []
        ),
        "5. Keep the status Draft while you work. Choose Final when every question is answered.",
        f"6. Return this workbook and the documents by e-mail to {who}.",
        "   Before you send it you can check it: audit questionnaire check FILE.xlsx",
        f"Questions about this questionnaire: {who}.",
    ]
