"""Compact ASCII 姓氏笔画 sort keys for voters (issue 6).

voter.name_sort used to spell out each character's stroke count, stroke shapes and code point (about 44 bytes of
non-ASCII text for a three-character name). The new key gives each character a three-character ASCII code from its
place in the stroke-order table (format in ``villagevote.migrations.frozen_0008``, a frozen copy of
``villagevote.voters.search.name_sort_key``): the same order, about a
quarter of the size, and cheap to build (``str.translate``) and to bind on a 50,000-row import. Every stored key is
recomputed here.

Revision ID: 0008_voter_sort_keys
Revises: 0007_voter_bulk_insert
"""
from __future__ import annotations

from alembic import op

from villagevote.migrations.frozen_0008 import name_sort_key  # the key format of this revision, frozen

revision = "0008_voter_sort_keys"
down_revision = "0007_voter_bulk_insert"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.exec_driver_sql("SELECT id, name FROM voter").fetchall()
    if rows:
        conn.exec_driver_sql("UPDATE voter SET name_sort = ? WHERE id = ?",
                             [(name_sort_key(name), voter_id) for voter_id, name in rows])


def downgrade() -> None:
    # The previous format is not rebuilt: an older release re-sorts nothing and would page the register in the
    # wrong order, so downgrading below this revision is refused.
    raise NotImplementedError("0008_voter_sort_keys cannot be downgraded")
