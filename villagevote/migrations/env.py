"""Alembic environment, driven programmatically by villagevote.models.db (no alembic.ini at run time).

The caller passes an open SQLAlchemy Connection in ``config.attributes["connection"]``; migrations run inside the
caller's transaction. SQLite needs batch mode for ALTER TABLE, so render_as_batch is on.
"""
from __future__ import annotations

from alembic import context

from villagevote.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # developer use: `alembic -x db=PATH ...` through villagevote.models.db
        from sqlalchemy import create_engine
        url = config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      transaction_per_migration=False)
    context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - not used
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
