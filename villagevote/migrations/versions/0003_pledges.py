"""Schema changes for pledges and commitments (issue 4).

- pledge.rendered_json: the exact structured text printed for signing (kept after template edits)
- pledge_item.item_kind / code / params: items are term goals or resignation triggers; weight becomes optional
- pledge_review.superseded: a review made before the pledge was edited no longer counts

Revision ID: 0003_pledges
Revises: 0002_candidates
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_pledges"
down_revision = "0002_candidates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pledge") as batch:
        batch.add_column(sa.Column("rendered_json", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("pledge_item") as batch:
        batch.add_column(sa.Column(
            "item_kind",
            sa.Enum("goal", "trigger", name="pledgeitemkind", native_enum=False, create_constraint=True, length=32),
            nullable=False, server_default="goal"))
        batch.add_column(sa.Column("code", sa.String(length=32), nullable=False, server_default=""))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch.alter_column("weight", existing_type=sa.Numeric(6, 2), nullable=True)
    with op.batch_alter_table("pledge_review") as batch:
        batch.add_column(sa.Column("superseded", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("pledge_review") as batch:
        batch.drop_column("superseded")
    with op.batch_alter_table("pledge_item") as batch:
        batch.alter_column("weight", existing_type=sa.Numeric(6, 2), nullable=False)
        batch.drop_column("params")
        batch.drop_column("code")
        batch.drop_column("item_kind")
    with op.batch_alter_table("pledge") as batch:
        batch.drop_column("rendered_json")
