"""evidence dates that validity checks read: a report's period start, a certificate's last audit

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing evidence has neither date. Its stored window is recomputed on the next command
    # that reads windows (the policy that asks for them has a new hash), and evidence of a
    # kind whose rule now needs a date it lacks is shown as deficient until added again.
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("audited", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("audited")
        batch_op.drop_column("period_start")
