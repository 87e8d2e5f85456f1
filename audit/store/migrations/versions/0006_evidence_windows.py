"""stored evidence windows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both columns start empty: the first command that reads what is due computes them.
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("window_policy", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(
            "ix_evidence_vendor_kind_until", ["vendor_id", "kind", "valid_until"], unique=False
        )
        batch_op.create_index("ix_evidence_valid_until", ["valid_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_valid_until")
        batch_op.drop_index("ix_evidence_vendor_kind_until")
        batch_op.drop_column("window_policy")
        batch_op.drop_column("valid_until")
