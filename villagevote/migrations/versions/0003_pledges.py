"""Schema changes for pledges and commitments (issue 4).

Reserved in the linear chain so that work on the areas can proceed in parallel without creating several heads.
Empty until that area needs a change (an empty migration is a no-op).

Revision ID: 0003_pledges
Revises: 0002_candidates
"""
from __future__ import annotations

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_pledges"
down_revision = "0002_candidates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
