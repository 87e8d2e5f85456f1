"""Portal links: a questionnaire opened from a link, without an account.

A link is `BASE_URL/q/<token>`: 256 random bits, of which only the SHA-256 is stored, so that a
copy of the database opens nothing. A link opens its questionnaire alone, until the due date plus
the policy's grace period, unless revoked. Because the token is not kept, a reminder carries a
fresh link; earlier ones keep working until they expire or are revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from audit.errors import InputError, NotFoundError
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.store.tables import QuestionnaireLinkRow, QuestionnaireRow, utcnow
from audit.workspace import Workspace

TOKEN_BYTES = 32  # 256 bits


@dataclass(frozen=True, slots=True)
class IssuedLink:
    questionnaire_id: str
    url: str
    expires_at: dt.datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_link(
    workspace: Workspace,
    questionnaire_id: str,
    now: dt.datetime | None = None,
    until: dt.date | None = None,
) -> IssuedLink:
    """A new link to a vendor's questionnaire, open until its due date plus the grace period,
    or until the last day given (more time for a vendor, without re-issuing the questions)."""
    now = now or utcnow()
    grace = workspace_content(workspace).policy.cadence.link_grace_days
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction(workspace) as session:
        questionnaire = session.get(QuestionnaireRow, questionnaire_id)
        if questionnaire is None:
            raise NotFoundError(
                f"no questionnaire '{questionnaire_id}'",
                hint="`audit questionnaire list` shows the questionnaires issued",
            )
        if questionnaire.part != "vendor":
            raise InputError(
                f"{questionnaire_id} is the assessor's part: it is answered by us, not by a link",
                hint="links open the vendor's part of a questionnaire",
            )
        last_day = until or questionnaire.due + dt.timedelta(days=grace)
        expires_at = dt.datetime.combine(last_day, dt.time.max, tzinfo=dt.UTC)
        if expires_at <= now:
            raise InputError(
                f"a link to {questionnaire_id} open until {last_day} would already have expired"
                + ("" if until else f" (due {questionnaire.due}, {grace} days of grace)"),
                hint="give a later last day: `audit questionnaire link Q --until DATE`",
            )
        session.add(
            QuestionnaireLinkRow(
                questionnaire_id=questionnaire_id,
                token_sha256=token_hash(token),
                created_at=now,
                expires_at=expires_at,
            )
        )
    base = workspace.settings["web_base_url"]
    return IssuedLink(questionnaire_id, f"{base}/q/{token}", expires_at)


ASSESSOR_SESSION_HOURS = 8


def assessor_session(workspace: Workspace, questionnaire_id: str) -> int:
    """An officer answers the assessor's part in the portal's pages: a link that is never
    sent, its token thrown away at once (only the dashboard, behind sign-in, opens it), open
    for a working day. Returns the link's id for the portal session."""
    now = utcnow()
    with transaction(workspace) as session:
        questionnaire = session.get(QuestionnaireRow, questionnaire_id)
        if questionnaire is None or questionnaire.part != "assessor":
            raise NotFoundError(f"no assessor's part '{questionnaire_id}'")
        row = QuestionnaireLinkRow(
            questionnaire_id=questionnaire_id,
            token_sha256=token_hash(secrets.token_urlsafe(TOKEN_BYTES)),
            created_at=now,
            expires_at=now + dt.timedelta(hours=ASSESSOR_SESSION_HOURS),
        )
        session.add(row)
        session.flush()
        assert row.id is not None  # noqa: S101 - flushed
        return row.id


@dataclass(frozen=True, slots=True)
class OpenLink:
    link_id: int
    questionnaire_id: str


def resolve_link(workspace: Workspace, token: str, now: dt.datetime | None = None) -> OpenLink:
    """The link a token is, and the questionnaire it opens; NotFoundError alike for unknown,
    expired or revoked tokens, so that an answer says nothing about which tokens exist."""
    now = now or utcnow()
    refused = NotFoundError("this link does not open a questionnaire (unknown, expired or revoked)")
    if not token or len(token) > 128:
        raise refused
    with reading(workspace) as session:
        link = session.scalars(
            sa.select(QuestionnaireLinkRow).where(
                col(QuestionnaireLinkRow.token_sha256) == token_hash(token)
            )
        ).first()
    if link is None or link.id is None or not _open(link, now):
        raise refused
    return OpenLink(link.id, str(link.questionnaire_id))


def link_is_open(
    workspace: Workspace, link_id: int, questionnaire_id: str, now: dt.datetime | None = None
) -> bool:
    """Whether a session's link still opens its questionnaire: revoking a link, or its expiry,
    ends the sessions it opened."""
    with reading(workspace) as session:
        link = session.get(QuestionnaireLinkRow, link_id)
    return (
        link is not None
        and link.questionnaire_id == questionnaire_id
        and _open(link, now or utcnow())
    )


def _open(link: QuestionnaireLinkRow, now: dt.datetime) -> bool:
    return link.revoked_at is None and _aware(link.expires_at) > now


def revoke_links(
    workspace: Workspace, questionnaire_id: str, now: dt.datetime | None = None
) -> int:
    """Revoke every open link to a questionnaire; how many were open."""
    now = now or utcnow()
    with transaction(workspace) as session:
        if session.get(QuestionnaireRow, questionnaire_id) is None:
            raise NotFoundError(f"no questionnaire '{questionnaire_id}'")
        result = session.connection().execute(
            sa.update(QuestionnaireLinkRow)
            .where(
                col(QuestionnaireLinkRow.questionnaire_id) == questionnaire_id,
                col(QuestionnaireLinkRow.revoked_at).is_(None),
                col(QuestionnaireLinkRow.expires_at) > now,
            )
            .values(revoked_at=now)
        )
    return int(result.rowcount or 0)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone columns; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def links_in_use(workspace: Workspace, questionnaire_id: str, now: dt.datetime) -> bool:
    """Whether a questionnaire is answered online, so that a reminder should carry a fresh
    link: it has a link that was not revoked, and a new one would not already be expired."""
    grace = workspace_content(workspace).policy.cadence.link_grace_days
    with reading(workspace) as session:
        questionnaire = session.get(QuestionnaireRow, questionnaire_id)
        if questionnaire is None or questionnaire.part != "vendor":
            return False
        last_day = questionnaire.due + dt.timedelta(days=grace)
        if dt.datetime.combine(last_day, dt.time.max, tzinfo=dt.UTC) <= now:
            return False
        kept = session.scalars(
            sa.select(col(QuestionnaireLinkRow.id)).where(
                col(QuestionnaireLinkRow.questionnaire_id) == questionnaire_id,
                col(QuestionnaireLinkRow.revoked_at).is_(None),
            )
        ).first()
    return kept is not None
