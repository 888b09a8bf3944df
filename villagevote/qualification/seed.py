"""Seed hook (called on every open by ``villagevote.seed``): load the shipped rule catalogs on first start."""
from __future__ import annotations

from sqlalchemy.orm import Session

from villagevote.qualification.rulesets import seed_builtin_catalogs


def seed(session: Session) -> None:
    seed_builtin_catalogs(session)
