"""Defaults written on every open (idempotent): settings, and each area's catalogs/templates/schemes.

An area contributes by providing ``villagevote/<area>/seed.py`` with ``seed(session) -> None``, listed in
:func:`area_seeds`; it must be idempotent (only add what is missing) and must not overwrite administrators' edits.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.models.core import Setting, SettingValue

DEFAULT_SETTINGS: dict[str, SettingValue] = {
    "backup.keep": 10,
    "backup.daily": True,
}


def get_setting(session: Session, key: str, default: object = None) -> object:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULT_SETTINGS.get(key, default)
    return row.value


def area_seeds() -> tuple[Callable[[Session], None], ...]:
    """Each area's ``seed``, in order (the candidates' checks need the rule catalogs; pledges and scoring are
    independent)."""
    # Imported here, not at the top: the GUI imports this module at start-up for get_setting, and the areas' seed
    # modules (their services, catalogs and schemes) are needed only when a file is seeded (see models.db).
    from villagevote.pledges import seed as pledges_seed
    from villagevote.qualification import seed as qualification_seed
    from villagevote.scoring import seed as scoring_seed

    return (qualification_seed.seed, pledges_seed.seed, scoring_seed.seed)


def seed_defaults(session: Session) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        if session.get(Setting, key) is None:
            session.add(Setting(key=key, value=value))
    for seed in area_seeds():
        seed(session)
    session.flush()


@requires(Permission.ADMIN)
def set_setting(session: Session, actor: Actor, key: str, value: SettingValue) -> None:
    """Change a setting (administrators only), audit-logged."""
    row = session.get(Setting, key)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "update", "setting", key, before={"value": before}, after={"value": value})
