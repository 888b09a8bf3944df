"""Schema changes for ballots, tallies and results (issue 7).

- contest.tally_mode ("totals" | "ballots") and contest.double_entry
- tally_post: per post and entry pass, invalid ballot parts and unused places (reconciliation)
- spoilt_ballot: the 废票 register for totals entry

Revision ID: 0006_elections
Revises: 0005_voters
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_elections"
down_revision = "0005_voters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contest") as batch:
        batch.add_column(sa.Column("tally_mode", sa.String(length=16), nullable=False, server_default="totals"))
        batch.add_column(sa.Column("double_entry", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "tally_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=32), nullable=False),
        sa.Column("invalid_parts", sa.Integer(), nullable=False),
        sa.Column("unused", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["contest_id"], ["contest.id"], name=op.f("fk_tally_post_contest_id_contest"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_post")),
        sa.UniqueConstraint("contest_id", "entry_no", "post", name=op.f("uq_tally_post_contest_id")),
    )
    with op.batch_alter_table("tally_post") as batch:
        batch.create_index(batch.f("ix_tally_post_contest_id"), ["contest_id"], unique=False)
    op.create_table(
        "spoilt_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contest.id"], name=op.f("fk_spoilt_ballot_contest_id_contest"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spoilt_ballot")),
    )
    with op.batch_alter_table("spoilt_ballot") as batch:
        batch.create_index(batch.f("ix_spoilt_ballot_contest_id"), ["contest_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("spoilt_ballot") as batch:
        batch.drop_index(batch.f("ix_spoilt_ballot_contest_id"))
    op.drop_table("spoilt_ballot")
    with op.batch_alter_table("tally_post") as batch:
        batch.drop_index(batch.f("ix_tally_post_contest_id"))
    op.drop_table("tally_post")
    with op.batch_alter_table("contest") as batch:
        batch.drop_column("double_entry")
        batch.drop_column("tally_mode")
