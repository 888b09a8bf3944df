"""Schema changes for candidates and qualification review (issue 3).

* rule_set: ``catalog_key`` (the shipped catalog it came from, e.g. ``zhejiang-2013``), ``note``, ``kinship_bar``
  (relations and organization kinds barred from sitting together), ``frozen`` (set once a cycle uses the version).
* rule: ``event_label`` (what the event date of a time-windowed rule means, e.g. 刑满释放日期).

Revision ID: 0002_candidates
Revises: 0001_initial
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_candidates"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rule_set") as batch:
        batch.add_column(sa.Column("catalog_key", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("kinship_bar", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("frozen", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("rule") as batch:
        batch.add_column(sa.Column("event_label", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("rule") as batch:
        batch.drop_column("event_label")
    with op.batch_alter_table("rule_set") as batch:
        batch.drop_column("frozen")
        batch.drop_column("kinship_bar")
        batch.drop_column("note")
        batch.drop_column("catalog_key")
