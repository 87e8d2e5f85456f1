"""What was written, as the value stored: an option by its code or its words becomes its code, a
number typed as text becomes a number, a date cell or text becomes YYYY-MM-DD; each refusal in
words the person who wrote it understands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from audit.content.answers import NOT_APPLICABLE, check_answer, parse_date
from audit.model import AnswerType
from audit.questionnaire.document import Question
from audit.questionnaire.words import DATE_EXAMPLE


def words_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class AnswerReader:
    """Turns what was written into the stored value: codes stay codes, words become codes."""

    def __init__(self, question: Question, by_label: bool) -> None:
        self.question = question
        self.by_label = by_label
        self.by_words = {words_key(o.label): o.value for o in question.choices}
        self.by_words |= {words_key(o.value): o.value for o in question.choices}

    def _options_hint(self) -> str:
        if self.by_label:
            return "pick one of the answers in the cell's drop-down list"
        codes = ", ".join(o.value for o in self.question.choices)
        return f"write one of: {codes} (or the option's words)"

    def choice(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool | int | float) or not isinstance(value, str):
            return None, f"'{value}' is not one of the answers offered; {self._options_hint()}"
        found = self.by_words.get(words_key(value))
        if found is None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            return None, f"'{shown}' is not one of the answers offered; {self._options_hint()}"
        return found, None

    def multi(self, value: Any) -> tuple[Any, str | None]:
        items = value.split(";") if isinstance(value, str) else value
        if not isinstance(items, list) or not [i for i in items if str(i).strip()]:
            return None, "choose one or more of the options, separated by ;"
        chosen = []
        for item in items:
            if isinstance(item, str) and not item.strip():
                continue
            code, message = self.choice(item.strip() if isinstance(item, str) else item)
            if message:
                return None, message
            chosen.append(code)
        return chosen, None

    def number(self, value: Any) -> tuple[Any, str | None]:
        spec = self.question.answer
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if self._na(text):
                return NOT_APPLICABLE, None
            if spec.type is AnswerType.PERCENT:
                text = text.removesuffix("%")
            try:
                value = float(text)
            except ValueError:
                unit = f" of {spec.unit}" if spec.unit else ""
                what = (
                    "a percentage such as 97.5"
                    if spec.type is AnswerType.PERCENT
                    else (f"a number{unit} such as 24")
                )
                return None, f"'{value}' is not a number; write {what}"
            value = int(value) if value.is_integer() and "." not in text else value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "write a number"
        if value != value or value in (float("inf"), float("-inf")):
            return None, "write a number"
        if spec.type is AnswerType.PERCENT and not 0 <= value <= 100:
            return None, f"{value:g} is not a percentage from 0 to 100"
        return value, None

    def date(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat(), None
        if isinstance(value, str) and self._na(value):
            return NOT_APPLICABLE, None
        if parse_date(value.strip() if isinstance(value, str) else value) is None:
            return None, f"'{value}' is not a date; dates are written {DATE_EXAMPLE}"
        return value.strip(), None

    def text(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None, "write the answer as text"
        return str(value), None

    def _na(self, text: str) -> bool:
        allowed = self.question.answer.allow_na
        return allowed and words_key(text) in ("na", "n/a", words_key("Not applicable"))

    def read(self, value: Any) -> tuple[Any, str | None]:
        kind = self.question.answer.type
        if kind in (AnswerType.CHOICE, AnswerType.YES_NO):
            found, message = self.choice(value)
        elif kind is AnswerType.MULTI_CHOICE:
            found, message = self.multi(value)
        elif kind in (AnswerType.NUMBER, AnswerType.PERCENT):
            found, message = self.number(value)
        elif kind is AnswerType.DATE:
            found, message = self.date(value)
        else:
            found, message = self.text(value)
        if message is None:
            message = check_answer(self.question.answer, found)
        return found, message


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
