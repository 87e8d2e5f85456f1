"""questionnaire parts, reading specs, draft and final submissions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_spec",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "part",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="vendor",
            )
        )
        batch_op.add_column(
            sa.Column("spec_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("prefill", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            "fk_questionnaire_spec", "question_spec", ["spec_sha256"], ["sha256"]
        )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        # Submissions made before drafts existed were all assessed: they are final.
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="final",
            )
        )
        batch_op.add_column(
            sa.Column("completed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_submission_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_audit_run_review_submission", "submission", ["review_submission_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.drop_constraint("fk_audit_run_review_submission", type_="foreignkey")
        batch_op.drop_column("review_submission_id")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("completed_by")
        batch_op.drop_column("status")
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_constraint("fk_questionnaire_spec", type_="foreignkey")
        batch_op.drop_column("prefill")
        batch_op.drop_column("spec_sha256")
        batch_op.drop_column("part")
    op.drop_table("question_spec")
