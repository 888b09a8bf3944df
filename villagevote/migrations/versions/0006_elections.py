"""Schema changes for ballots, tallies and results (issue 7).

Reserved in the linear chain so that work on the areas can proceed in parallel without creating several heads.
Empty until that area needs a change (an empty migration is a no-op).

Revision ID: 0006_elections
Revises: 0005_voters
"""
from __future__ import annotations

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0006_elections"
down_revision = "0005_voters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
