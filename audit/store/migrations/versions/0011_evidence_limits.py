"""evidence limits: a document's `controls` now holds only the vendor's explicit limit

Until now an imported document was limited to the answers that cited it, so citing a file
under one answer took it away from every other control asking for its kind. From this revision
a document proves every control that asks for its kind unless the vendor limits it
(`only_for`); the citations stay in each answer's evidence list. Documents that answers cite
were limited by their citations alone, so their limit is lifted; documents the officer added
with `audit evidence add --control` are cited by no answer and keep theirs.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_answer = sa.table("answer", sa.column("evidence", sa.JSON()))
_evidence = sa.table("evidence", sa.column("id", sa.Integer()), sa.column("controls", sa.JSON()))


def upgrade() -> None:
    connection = op.get_bind()
    cited: set[int] = set()
    for (value,) in connection.execute(sa.select(_answer.c.evidence)):
        ids = json.loads(value) if isinstance(value, str) else value
        cited.update(int(i) for i in ids or ())
    ordered = sorted(cited)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        connection.execute(_evidence.update().where(_evidence.c.id.in_(chunk)).values(controls=[]))


def downgrade() -> None:
    """The citations are still in the answers; the old limits are not restored."""
