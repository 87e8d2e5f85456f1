"""the vendor portal: draft answers, uploaded files and the vendor's actions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "portal_answer",
        sa.Column("questionnaire_id", _text(length=80), nullable=False),
        sa.Column("control_id", _text(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("comment", _text(length=4000), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaire.id"]),
        sa.PrimaryKeyConstraint("questionnaire_id", "control_id"),
    )
    op.create_table(
        "portal_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", _text(length=80), nullable=False),
        sa.Column("sha256", _text(length=64), nullable=False),
        sa.Column("file_name", _text(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", _text(length=64), nullable=False),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("audited", sa.Date(), nullable=True),
        sa.Column("controls", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaire.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("questionnaire_id", "sha256", "kind"),
    )
    op.create_index("ix_portal_file_questionnaire_id", "portal_file", ["questionnaire_id"])
    op.create_table(
        "portal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", _text(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", _text(length=40), nullable=False),
        sa.Column("address", _text(length=64), nullable=True),
        sa.Column("detail", _text(length=500), nullable=True),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaire.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_portal_event_questionnaire_id", "portal_event", ["questionnaire_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_event_questionnaire_id", table_name="portal_event")
    op.drop_table("portal_event")
    op.drop_index("ix_portal_file_questionnaire_id", table_name="portal_file")
    op.drop_table("portal_file")
    op.drop_table("portal_answer")
