"""Rules for values that people outside the team write (pure): e-mail addresses, names, free
text and dates, checked once at the door, and text made harmless where it is shown.

- An e-mail address is one mailbox, parsed by the standard library's RFC 5322 parser
  (`email.headerregistry.Address`): no second recipient after a comma, no display name, no
  comment, no line break or space (so no quoted local part with spaces), a domain with a dot,
  at most 254 characters.
- A name (vendor, contact, file) is one line: no control character at all.
- Free text (comments, notes) may hold line breaks and tabs, and no other control character.
- A date falls between 1900-01-01 and 2199-12-31: 9999-12-31 is a typing mistake, and the
  validity arithmetic (a year added to it) would fail on it for ever after.
- `one_line` turns any text into something safe in a mail header or a PDF title.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from audit.errors import InputError

MAX_ADDRESS = 254  # RFC 5321 path limit
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # \t, \n allowed
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")  # embedding and isolate controls


def address_problem(value: str) -> str | None:
    """Why `value` is not one plain e-mail address, or None when it is."""
    if not isinstance(value, str) or not value:
        return "an e-mail address is required"
    if len(value) > MAX_ADDRESS:
        return f"an e-mail address has at most {MAX_ADDRESS} characters"
    if _CONTROL.search(value) or _BIDI.search(value):
        return "an e-mail address cannot contain line breaks or control characters"
    if any(c.isspace() for c in value) or "," in value or ";" in value:
        return "give one e-mail address, without spaces, commas or semicolons"
    from email.errors import HeaderParseError, MessageError  # only where addresses are read
    from email.headerregistry import Address

    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError, MessageError):
        return f"'{value}' is not an e-mail address (name@domain.example)"
    if parsed.addr_spec != value or not parsed.username:
        return f"'{value}' is not a plain e-mail address (name@domain.example)"
    domain = parsed.domain
    if "." not in domain or domain.startswith((".", "[")) or domain.endswith("."):
        return f"'{value}' needs a full domain after the @ (name@domain.example)"
    return None


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a one-line name, or None."""
    if _CONTROL.search(value):
        return "control characters (line breaks, tabs, escape sequences) are not allowed here"
    if _BIDI.search(value):
        return "bidirectional override characters are not allowed here"
    return None


def text_problem(value: str) -> str | None:
    """Why `value` cannot be free text, or None (line breaks and tabs are fine)."""
    if _CONTROL_IN_TEXT.search(value):
        return "control characters other than line breaks and tabs are not allowed"
    if _BIDI.search(value):
        return "bidirectional override characters are not allowed"
    return None


def date_problem(day: dt.date) -> str | None:
    """Why `day` is outside the dates this tool accepts, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{day.isoformat()} is outside the dates accepted ({EARLIEST} to {LATEST})"


def one_line(value: str) -> str:
    """The text on one line with every control character made a space: for mail headers,
    PDF metadata and log lines, whatever the text holds."""
    flat = _BIDI.sub("", _CONTROL.sub(" ", value))
    return unicodedata.normalize("NFC", " ".join(flat.split()))


def printable(value: str) -> str:
    """The text with line breaks and tabs kept and every other control character shown as an
    escape (`\\x1b`), so that a terminal prints it rather than obeys it."""
    return _BIDI.sub(_escape, _CONTROL_IN_TEXT.sub(_escape, value))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def date_given(value: str | None, name: str) -> dt.date | None:
    """An ISO 8601 date someone typed (an option, a form field), or a refusal naming where it
    was typed; None when nothing was."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: '{value}' is not a date; use YYYY-MM-DD") from None
    if (problem := date_problem(day)) is not None:
        raise InputError(f"{name}: {problem}")
    return day
