"""Notifications: e-mail files in `.audit/outbox/` always, and over SMTP when `audit.toml` says

    [notify]
    smtp_host = "mail.example.com"
    smtp_port = 587
    from = "third-party-risk@example.com"
    starttls = true
    username = "audit-bot"          # password from AUDIT_SMTP_PASSWORD
    connect_timeout = 30            # seconds to reach the server
    reply_timeout = 600             # seconds to wait for each reply once connected


A message is written to `outbox/pending/` under a name derived from its ledger key, so the same
notice is never queued twice. Sending moves it to `outbox/sent/`; a failed send leaves it pending
for the next run, so nothing is lost. A message whose every mailbox the server refuses for good
(5xx) is moved to `outbox/refused/` for a person to look at, and the other messages still go.

A server that took the message but replied too late would get it again on the next run: SMTP
cannot tell "not received" from "received, reply lost". So the wait for a reply is the one RFC
5321 (4.5.3.2) asks of clients for the end of a message, ten minutes, not a few seconds; and a
message sent again is the same file, with the same Message-ID, which receiving systems use to
drop the second copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import smtplib
import tomllib
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from audit.errors import WorkspaceError
from audit.inputs import address_problem, one_line
from audit.locks import file_lock, temporary_file
from audit.workspace import Workspace

PASSWORD_ENV = "AUDIT_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a secret
DEFAULT_FROM = "vendor-audit@localhost"
QUEUEING = ".queue-"  # a message being written into pending/
# Lines up to 998 characters (RFC 5322) so that a long subject is not folded: Python folds it
# right after "Subject:", which leaves a leading space in what readers show.
WIRE = email_policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    starttls: bool
    username: str | None
    password: str | None
    connect_timeout: float = 30.0
    reply_timeout: float = 600.0


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Notice:
    key: str
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None


def smtp_config(workspace: Workspace) -> SmtpConfig | None:
    path = workspace.root / "audit.toml"
    if not path.exists():
        return None
    section = tomllib.loads(path.read_text(encoding="utf-8")).get("notify")
    if not isinstance(section, dict) or "smtp_host" not in section:
        return None
    try:
        config = SmtpConfig(
            host=str(section["smtp_host"]),
            port=int(section.get("smtp_port", 25)),
            sender=str(section.get("from", DEFAULT_FROM)),
            starttls=bool(section.get("starttls", False)),
            username=section.get("username"),
            password=os.environ.get(PASSWORD_ENV),
            connect_timeout=_seconds(section, "connect_timeout", 30.0),
            reply_timeout=_seconds(section, "reply_timeout", 600.0),
        )
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(f"audit.toml [notify]: {exc}") from None
    if "from" in section and (problem := address_problem(config.sender)) is not None:
        raise WorkspaceError(f"audit.toml [notify] from: {problem}")
    return config


def _seconds(section: dict[str, object], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 3600:
        raise WorkspaceError(
            f"audit.toml [notify] {key}: {value!r} is not a number of seconds from 1 to 3600"
        )
    return float(value)


def _mailbox(address: str) -> Address:
    """One recipient; an address that is not one mailbox never reaches a header (the register
    and the CLI refuse them, so this guards rows stored before they did)."""
    problem = address_problem(address)
    if problem is not None:
        raise NotDeliverableError(f"{problem!s}: {one_line(address)!r}")
    return Address(addr_spec=address)


class NotDeliverableError(WorkspaceError):
    """A stored recipient that cannot be written into a message."""


class Outbox:
    def __init__(self, root: Path) -> None:
        self.pending = root / "pending"
        self.sent = root / "sent"
        self.refused = root / "refused"

    @staticmethod
    def name_for(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:32] + ".eml"

    def queue(self, notice: Notice, sender: str, now: dt.datetime) -> Path:
        """Write the message (once per key) and return its file."""
        self.pending.mkdir(parents=True, exist_ok=True)
        name = self.name_for(notice.key)
        for folder in (self.pending, self.sent):
            if (folder / name).exists():
                return folder / name
        message = EmailMessage()
        # Headers from objects, never from joined strings: each recipient is one parsed
        # mailbox, and a subject or key holding a line break is flattened, not obeyed.
        message["From"] = sender
        message["To"] = [_mailbox(to) for to in notice.to]
        message["Subject"] = one_line(notice.subject)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(idstring=name[:16], domain="vendor-audit")
        message["X-Audit-Key"] = one_line(notice.key)
        if notice.reply_to and address_problem(notice.reply_to) is None:
            message["Reply-To"] = _mailbox(notice.reply_to)
        message.set_content(notice.body)
        for attachment in notice.attachments:
            maintype, _, subtype = attachment.mime.partition("/")
            message.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name
            )
        handle, temporary = temporary_file(self.pending, QUEUEING)
        with os.fdopen(handle, "wb") as out:
            out.write(message.as_bytes(policy=WIRE))
            out.flush()
            os.replace(temporary, self.pending / name)  # while still locked
        return self.pending / name

    def waiting(self) -> list[Path]:
        return sorted(self.pending.glob("*.eml")) if self.pending.exists() else []

    def flush(self, config: SmtpConfig | None) -> tuple[int, int, str | None]:
        """Send what is pending; returns (sent, still pending, error). One process sends at a
        time: another waits, then finds what the first sent gone from pending."""
        if config is None:
            return 0, len(self.waiting()), None
        with file_lock(self.pending.parent / ".sending.lock"):
            return self._flush(config)

    def _flush(self, config: SmtpConfig) -> tuple[int, int, str | None]:
        waiting = self.waiting()
        if not waiting:
            return 0, 0, None
        sent = 0
        refused: list[str] = []
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.connect_timeout) as client:
                if config.starttls:
                    client.starttls()
                if config.username:
                    client.login(config.username, config.password or "")
                if client.sock is not None:
                    client.sock.settimeout(config.reply_timeout)
                for path in waiting:
                    message = BytesParser(policy=WIRE).parsebytes(path.read_bytes())
                    try:
                        client.send_message(message)
                    except smtplib.SMTPRecipientsRefused as exc:
                        # This message's mailboxes were refused; the server is fine, so the
                        # others still go. A permanent refusal (5xx) is set aside in refused/
                        # for a person to look at; a temporary one stays pending.
                        codes = [code for code, _ in exc.recipients.values()]
                        if codes and all(500 <= code < 600 for code in codes):
                            self.refused.mkdir(parents=True, exist_ok=True)
                            os.replace(path, self.refused / path.name)
                        refused.append(", ".join(sorted(exc.recipients)))
                        continue
                    self.sent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, self.sent / path.name)
                    sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            return sent, len(self.waiting()), f"{type(exc).__name__}: {exc}"
        problem = f"recipients refused: {'; '.join(refused)}" if refused else None
        return sent, len(self.waiting()), problem
