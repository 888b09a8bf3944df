"""Schema changes for performance-based selection (issue 5).

* score_scheme: ``code`` (the scheme's code from its definition), ``double_entry`` (sheets entered twice),
  ``outcome_applied_at`` / ``outcome_applied_by`` (when the outcome was written to the candidacies; scores are then
  locked).
* score_criterion, rater_group: ``code`` (matches the codes in the scheme definition).
* score_decision: ``outcome`` and ``total`` (exact text) — the recorded outcome per candidacy.
* new tables: score_participant (candidacies in a selection), score_adjustment (bonus/deduction points),
  score_tie_decision (recorded order of candidacies still tied after the tie rule).

Revision ID: 0004_scoring
Revises: 0003_pledges
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_scoring"
down_revision = "0003_pledges"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("score_scheme") as b:
        b.add_column(sa.Column("code", sa.String(length=64), nullable=False, server_default=""))
        b.add_column(sa.Column("double_entry", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("outcome_applied_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("outcome_applied_by", sa.String(length=64), nullable=False, server_default=""))
    with op.batch_alter_table("score_criterion") as b:
        b.add_column(sa.Column("code", sa.String(length=64), nullable=False, server_default=""))
    with op.batch_alter_table("rater_group") as b:
        b.add_column(sa.Column("code", sa.String(length=64), nullable=False, server_default=""))
    with op.batch_alter_table("score_decision") as b:
        b.add_column(sa.Column("outcome", sa.String(length=16), nullable=False, server_default=""))
        b.add_column(sa.Column("total", sa.String(length=16), nullable=False, server_default=""))

    op.create_table(
        "score_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["candidacy_id"], ["candidacy.id"],
                                name=op.f("fk_score_participant_candidacy_id_candidacy"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scheme_id"], ["score_scheme.id"],
                                name=op.f("fk_score_participant_scheme_id_score_scheme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_participant")),
        sa.UniqueConstraint("scheme_id", "candidacy_id", name=op.f("uq_score_participant_scheme_id")),
    )
    with op.batch_alter_table("score_participant") as b:
        b.create_index(b.f("ix_score_participant_candidacy_id"), ["candidacy_id"], unique=False)
        b.create_index(b.f("ix_score_participant_scheme_id"), ["scheme_id"], unique=False)

    op.create_table(
        "score_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Numeric(precision=8, scale=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["candidacy_id"], ["candidacy.id"],
                                name=op.f("fk_score_adjustment_candidacy_id_candidacy"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scheme_id"], ["score_scheme.id"],
                                name=op.f("fk_score_adjustment_scheme_id_score_scheme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_adjustment")),
    )
    with op.batch_alter_table("score_adjustment") as b:
        b.create_index(b.f("ix_score_adjustment_candidacy_id"), ["candidacy_id"], unique=False)
        b.create_index(b.f("ix_score_adjustment_scheme_id"), ["scheme_id"], unique=False)

    op.create_table(
        "score_tie_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("post_key", sa.String(length=128), nullable=False),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["scheme_id"], ["score_scheme.id"],
                                name=op.f("fk_score_tie_decision_scheme_id_score_scheme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_tie_decision")),
    )
    with op.batch_alter_table("score_tie_decision") as b:
        b.create_index(b.f("ix_score_tie_decision_scheme_id"), ["scheme_id"], unique=False)


def downgrade() -> None:
    op.drop_table("score_tie_decision")
    op.drop_table("score_adjustment")
    op.drop_table("score_participant")
    with op.batch_alter_table("score_decision") as b:
        b.drop_column("total")
        b.drop_column("outcome")
    with op.batch_alter_table("rater_group") as b:
        b.drop_column("code")
    with op.batch_alter_table("score_criterion") as b:
        b.drop_column("code")
    with op.batch_alter_table("score_scheme") as b:
        b.drop_column("outcome_applied_by")
        b.drop_column("outcome_applied_at")
        b.drop_column("double_entry")
        b.drop_column("code")
