"""The vendor portal's working copy as `assess --include-draft` previews it: a part built from
the draft's answers, with its uploaded files as evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlmodel import Session

from audit.scoring import Evidence
from audit.store import queries
from audit.store.assessing import Part
from audit.store.portal_drafts import newest_portal_draft

PORTAL_DRAFT = 0  # the id a preview gives the portal's working copy (stored ids start at 1)
PORTAL = "portal"  # the source of submissions made in the portal


class DraftAnswer(NamedTuple):
    submission_id: int
    control_id: str
    value: Any
    comment: str | None
    evidence: list[int]


def portal_preview(
    session: Session, vendor_id: str, as_of: dt.date
) -> tuple[Part, list[DraftAnswer], list[Evidence]] | None:
    """The portal's working copy as a part to preview, when it is newer than every submission:
    its answers as rows, and its uploaded files as evidence (with ids below zero)."""
    draft = newest_portal_draft(session, vendor_id, as_of)
    if draft is None:
        return None
    newest = queries.submission_as_of(session, vendor_id, as_of, include_draft=True)
    if newest is not None:
        issued = queries.questionnaire(session, newest.questionnaire_id)
        newer = (draft.questionnaire.issued, draft.questionnaire.id) > (
            (issued.issued, issued.id) if issued else (dt.date.min, "")
        )
        if not newer:
            return None
    files = [
        Evidence(
            -(f.id or 0),
            f.kind,
            f.issued,
            f.expires,
            f.period_end,
            tuple(f.controls),
            f.period_start,
            f.audited,
        )
        for f in draft.files
    ]
    rows = [
        DraftAnswer(
            PORTAL_DRAFT,
            a.control_id,
            a.value,
            a.comment,
            [e.id for e in files if a.control_id in e.controls],
        )
        for a in draft.answers
    ]
    part = Part(
        PORTAL_DRAFT,
        draft.questionnaire.id,
        0,
        f"portal draft saved {draft.saved_at:%Y-%m-%d %H:%M}",
        "draft",
        None,
        sum(1 for a in draft.answers if a.value is not None),
        f"{PORTAL} draft",
    )
    return part, rows, files
