"""Alembic environment, driven programmatically by villagevote.models.db (no alembic.ini at run time).

The caller passes an open SQLAlchemy Connection in ``config.attributes["connection"]``; migrations run inside the
caller's transaction. SQLite needs batch mode for ALTER TABLE, so render_as_batch is on.

No live model is imported here (migrations must not change when the models do). Alembic names the constraints that
migrations create through the target metadata's naming convention, so the convention the migrations were written with
is frozen here (the models' ``villagevote.models.base.NAMING`` must stay equal: tests/test_migrations_frozen.py). A
developer who wants alembic's autogenerate passes the models' metadata in ``config.attributes["target_metadata"]``.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

config = context.config
target_metadata = config.attributes.get("target_metadata") or MetaData(naming_convention=NAMING)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # developer use: `alembic -x db=PATH ...` through villagevote.models.db
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise SystemExit("alembic needs -x db=PATH or sqlalchemy.url")
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
