"""Seed hook (called on every open by ``villagevote.seed``): add the shipped pledge templates once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from villagevote.pledges.store import seed_default_templates


def seed(session: Session) -> None:
    seed_default_templates(session)
