"""Data safety (issue 13): the audit hash chain, digests of official results, and row versions for edit conflicts.

- ``audit_log.prev_hash`` / ``audit_log.row_hash``: each audit row stores the SHA-256 of its own content together
  with the previous row's hash, so a deleted or edited row breaks the chain (``check-db`` names the first break).
  Rows written before this revision are chained on first use by the program (their hashes start empty).
- ``contest.official_digest``: SHA-256 of the stored decision and the tally it came from, written when the result is
  locked and printed on the 选举结果报告单 and the 当选公告.
- ``version`` on person, candidacy and voter: a counter that every edit increments, so a clerk saving a record that
  another clerk changed meanwhile is told so instead of overwriting it.

Only columns are added (``ALTER TABLE … ADD COLUMN``), no table is rebuilt.

Revision ID: 0009_safety
Revises: 0008_voter_sort_keys
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_safety"
down_revision = "0008_voter_sort_keys"
branch_labels = None
depends_on = None

_VERSIONED = ("person", "candidacy", "voter")


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(64), nullable=False, server_default=""))
    op.add_column("contest", sa.Column("official_digest", sa.String(64), nullable=False, server_default=""))
    for table in _VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in _VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
    with op.batch_alter_table("contest") as batch:
        batch.drop_column("official_digest")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
