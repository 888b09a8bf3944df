"""The statistics settings as domain writes: the reference dates (统计时点, set by whoever fills in the report) and
whether 预备党员 count as Party members (a rule: administrators). Stored in the ``setting`` table under the keys
``gather`` reads; audited."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.core import Setting, SettingValue
from villagevote.statistics.gather import (
    SETTING_COUNT_PROBATIONARY,
    SETTING_PREVIOUS_STAT_DATE,
    SETTING_STAT_DATE,
)

__all__ = ["set_count_probationary", "set_stat_dates"]


def _put(session: Session, actor: Actor, key: str, value: SettingValue) -> None:
    row = session.get(Setting, key)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "update", "setting", key, before={"value": before}, after={"value": value})


@requires(Permission.EDIT)
def set_stat_dates(session: Session, actor: Actor, stat_date: dt.date | None,
                   previous_stat_date: dt.date | None = None) -> None:
    """The reference date of this cycle's statistics (None = the cycle's election day) and of the previous cycle's
    (None = the previous cycle's election day, or ``term_years`` earlier). The previous date must be earlier."""
    if stat_date is not None and previous_stat_date is not None and previous_stat_date >= stat_date:
        raise ValidationError(tr("上届统计时点 {prev} 应早于本届统计时点 {day}").format(
            prev=previous_stat_date.isoformat(), day=stat_date.isoformat()), field="previous_stat_date")
    _put(session, actor, SETTING_STAT_DATE, stat_date.isoformat() if stat_date else None)
    _put(session, actor, SETTING_PREVIOUS_STAT_DATE, previous_stat_date.isoformat() if previous_stat_date else None)


@requires(Permission.ADMIN)
def set_count_probationary(session: Session, actor: Actor, count: bool) -> None:
    """Whether 预备党员 count as Party members among 村委会 members and representatives (S50, S70)."""
    _put(session, actor, SETTING_COUNT_PROBATIONARY, bool(count))
