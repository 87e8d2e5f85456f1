"""The e-mails a vendor receives about a questionnaire (pure): what it is, what to do, how to
return it, whom to ask, and who sends it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from audit.questionnaire.document import Questionnaire

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {".xlsx": XLSX_MIME, ".yaml": "application/yaml", ".yml": "application/yaml"}


def _signature(questionnaire: Questionnaire) -> str:
    organisation = questionnaire.requester.organisation
    team = (
        f"{organisation} third-party risk management"
        if organisation
        else "Third-party risk management"
    )
    return f"Kind regards,\n{team}\n{questionnaire.requester.contact}\n"


def _how(file_name: str, questionnaire: Questionnaire) -> str:
    contact = questionnaire.requester.contact
    if file_name.lower().endswith(".xlsx"):
        steps = (
            f"1. Open the attached workbook ({file_name}) in Excel or LibreOffice Calc. Its\n"
            "   Instructions sheet explains each step.\n"
            "2. Answer each question in the yellow cells; choose answers from the drop-down\n"
            "   lists.\n"
            "3. On the Evidence sheet, name each document you send (reports, certificates,\n"
            "   policies, test results) and give the dates it asks for.\n"
            "4. Set the status on the Instructions sheet to Final when every question is\n"
            "   answered.\n"
        )
    else:
        steps = (
            f"1. Open the attached file ({file_name}) in a text editor; its first lines explain\n"
            "   how to answer.\n"
            "2. Fill in each answer, list the documents you send, and set `status: final`.\n"
        )
    return (
        f"What to do:\n{steps}\n"
        f"How to return it: reply to this e-mail, or write to {contact}, with the file and the\n"
        "documents attached. You can check the file first: `audit questionnaire check FILE`\n"
        "(pip install vendor-audit) lists anything that would be refused.\n\n"
        f"Questions, or need more time? Write to {contact}.\n"
    )


@dataclass(frozen=True, slots=True)
class Link:
    """A portal link as an e-mail gives it: the address, and the last day it opens."""

    url: str
    until: dt.date


def _online(link: Link) -> str:
    return (
        "Answer online (no account needed; your answers are saved as you go, and you can\n"
        "upload the documents there):\n"
        f"  {link.url}\n"
        f"The link is personal to your organisation and opens until {link.until}. Do not\n"
        "forward it outside the people answering.\n\n"
    )


def issue_message(
    questionnaire: Questionnaire, file_name: str, link: Link | None = None
) -> tuple[str, str]:
    """Subject and body of the e-mail that sends a questionnaire (with its portal link, if
    one was made: the attached file is then the offline alternative)."""
    q = questionnaire
    organisation = q.requester.organisation or "We"
    subject = f"Questionnaire {q.id}: please answer by {q.due}"
    how = _how(file_name, q)
    if link is not None:
        how = _online(link) + "Or answer offline, in the attached file.\n" + how
    body = (
        f"Dear {q.vendor_name} team,\n\n"
        f"{organisation} review{'s' if q.requester.organisation else ''} the providers we "
        "outsource to at regular intervals. As part of this review, please answer "
        f"questionnaire {q.id} ({len(q.questions)} questions) and send the documents it asks "
        f"for by {q.due}.\n\n" + how + "\n" + _signature(q)
    )
    return subject, body


def reminder_message(
    questionnaire_id: str,
    vendor_name: str,
    issued: dt.date,
    due: dt.date,
    as_of: dt.date,
    signature: tuple[str | None, str],
    link: Link | None = None,
) -> tuple[str, str]:
    """Subject and body of a reminder before or after the due date; with a fresh portal link
    when the questionnaire is answered online."""
    days = (due - as_of).days
    if days > 0:
        when, tail = "is due", f"in {days} day(s)"
    elif days == 0:
        when, tail = "is due", "today"
    else:
        when, tail = "was due", f"{-days} day(s) ago"
    organisation, contact = signature
    team = (
        f"{organisation} third-party risk management"
        if organisation
        else "Third-party risk management"
    )
    subject = f"Reminder: questionnaire {questionnaire_id} {when} {due}"
    body = (
        f"Dear {vendor_name} team,\n\n"
        f"questionnaire {questionnaire_id}, sent to you on {issued}, {when} on {due} ({tail}). "
        "We have not received your final answers yet.\n\n"
        + (
            _online(link) + "Your answers so far are kept; submit them when every question is "
            "answered.\n\n"
            if link is not None
            else ""
        )
        + f"If you answer in the file, send it and its documents to {contact}. If you have "
        "sent a draft, set its status to Final when every question is answered and send it "
        "again. If you need more time or lost the file, write to us and we will help.\n\n"
        f"Kind regards,\n{team}\n{contact}\n"
    )
    return subject, body


def link_message(
    questionnaire_id: str,
    vendor_name: str,
    due: dt.date,
    link: Link,
    signature: tuple[str | None, str],
) -> tuple[str, str]:
    """Subject and body of an e-mail that gives a new link to a questionnaire."""
    organisation, contact = signature
    team = (
        f"{organisation} third-party risk management"
        if organisation
        else "Third-party risk management"
    )
    subject = f"Questionnaire {questionnaire_id}: your link to answer online"
    body = (
        f"Dear {vendor_name} team,\n\n"
        f"here is a new link to questionnaire {questionnaire_id}, due on {due}. Answers already "
        "given are kept.\n\n" + _online(link) + f"Questions? Write to {contact}.\n\n"
        f"Kind regards,\n{team}\n{contact}\n"
    )
    return subject, body
