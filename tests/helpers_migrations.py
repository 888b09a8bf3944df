"""Run the migrations down, as a developer would with alembic, for tests that rebuild an older schema."""
from __future__ import annotations

from pathlib import Path


def downgrade(path: Path, target: str) -> None:
    """Run each revision's downgrade down to ``target`` on the database file at ``path``."""
    from alembic import command

    from villagevote.models.db import alembic_config, make_engine

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn, conn.begin():
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
    finally:
        engine.dispose()
