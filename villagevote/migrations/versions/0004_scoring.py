"""Schema changes for performance-based selection (issue 5).

Reserved in the linear chain so that work on the areas can proceed in parallel without creating several heads.
Empty until that area needs a change (an empty migration is a no-op).

Revision ID: 0004_scoring
Revises: 0003_pledges
"""
from __future__ import annotations

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_scoring"
down_revision = "0003_pledges"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
