"""accounts: the dashboard's users and roles, and the activity recorded under their names

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", _text(length=254), nullable=False),
        sa.Column("name", _text(length=200), nullable=True),
        sa.Column("role", _text(length=10), nullable=False),
        sa.Column("password_hash", _text(length=200), nullable=True),
        sa.Column("oidc_subject", _text(length=400), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("oidc_subject"),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", _text(length=254), nullable=False),
        sa.Column("action", _text(length=40), nullable=False),
        sa.Column("subject", _text(length=200), nullable=True),
        sa.Column("detail", _text(length=2000), nullable=True),
        sa.Column("address", _text(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_at", "activity", ["at"])
    op.create_index("ix_activity_actor", "activity", ["actor"])


def downgrade() -> None:
    op.drop_index("ix_activity_actor", table_name="activity")
    op.drop_index("ix_activity_at", table_name="activity")
    op.drop_table("activity")
    op.drop_table("user_account")
