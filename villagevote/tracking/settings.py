"""Settings of 践诺跟踪 (tracking.md A2, A3): defaults in code, overrides in the ``setting`` table (keys
``tracking.*``, values JSON). Read with :func:`tracking_settings`; change with ``villagevote.seed.set_setting``
(administrators). Rules never hold these numbers as constants.

The setting table is read directly (not through ``villagevote.seed``), so the tracking package does not import the
seeding module, which imports the areas' seeds (a package cycle through ``pledges``).

The settings read are kept in ``session.info`` for the rest of the session's transaction (a weekly report asks for
them on every call): a ``tracking.*`` setting added, changed or deleted in the session, flushed or not, and the
transaction's end (commit or rollback) drop the kept copy, so a change is seen at once.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from villagevote.models import Setting

__all__ = ["DEFAULTS", "DEFAULT_RANKING_SCHEME", "KEY_PREFIX", "TrackingSettings", "tracking_settings"]

KEY_PREFIX = "tracking."

# The quarterly ranking scheme of tracking.md A3 (version 1). Weights are points out of 100; numbers are strings so
# that the JSON keeps them exact (read them with Decimal(...)).
DEFAULT_RANKING_SCHEME: dict[str, Any] = {
    "version": 1,
    "components": {
        "closed_rate": "40",      # weighted 销号率 of the items due
        "on_time_rate": "20",     # 按期率 (closed by the ORIGINAL deadline)
        "report_rate": "10",      # 周报及时率
        "inspection": "30",       # inspection score
    },
    "deduction_per_finding": "0.5",   # [环境整治会议记录] 每次直扣 0.5 分
    "early_bonus": "0.5",             # per item 销号 before its deadline
    "veto_last": True,                # 一票否决 items rank last
    "rank_points": None,              # e.g. ["10", "9", "8", "7"] for the 1-4 名 mode; None = off
    "places": 2,                      # scores to 2 decimal places; ties stay ties
}

DEFAULTS: dict[str, Any] = {
    "warn_days": 7,                 # a due-date light turns "due soon" this many days before deadline_current
    "report_due_weekday": 0,        # the weekly report is due on this weekday of the NEXT week (0 = Monday)
    "partly_kept_percent": 50,      # A6: a metric item ≥ this share of its target at the end is 部分兑现
    "propose_supervision_when_overdue": True,  # A2: an item turning 逾期 proposes 挂牌督办
    "attachment_max_mb": 50,        # the largest evidence file accepted
    "supervision_notice_format": "督〔{year}〕{n}号",
    "ranking_scheme": DEFAULT_RANKING_SCHEME,
}


@dataclass(frozen=True)
class TrackingSettings:
    warn_days: int = 7
    report_due_weekday: int = 0
    partly_kept_percent: int = 50
    propose_supervision_when_overdue: bool = True
    attachment_max_mb: int = 50
    supervision_notice_format: str = "督〔{year}〕{n}号"
    ranking_scheme: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_RANKING_SCHEME))

    def ranking_weight(self, component: str) -> Decimal:
        return Decimal(str(self.ranking_scheme.get("components", {}).get(component, "0")))


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


_CACHE_KEY = "vv_tracking_settings"


def _tracking_row(obj: object) -> bool:
    return isinstance(obj, Setting) and str(obj.key or "").startswith(KEY_PREFIX)


def _changed_in(session: Session) -> bool:
    """A tracking setting waits to be written in the session (added, changed or deleted, not yet flushed)."""
    return any(_tracking_row(obj) for group in (session.new, session.dirty, session.deleted) for obj in group)


@event.listens_for(Session, "after_flush")
def _drop_after_flush(session: Session, _flush_context: object) -> None:
    if _CACHE_KEY in session.info and _changed_in(session):  # new/dirty/deleted still hold the flushed rows here
        session.info.pop(_CACHE_KEY, None)


@event.listens_for(Session, "after_commit")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(_CACHE_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_CACHE_KEY, None)  # any rollback, a savepoint's too


def tracking_settings(session: Session) -> TrackingSettings:
    """The township's tracking settings: every ``tracking.<name>`` row of the setting table over the defaults. A
    value of the wrong type or out of range falls back to the default (the settings page validates on entry).
    Kept for the session's transaction (module docstring); the ranking scheme is copied for each caller."""
    kept = session.info.get(_CACHE_KEY)
    if isinstance(kept, TrackingSettings) and not _changed_in(session):
        return dataclasses.replace(kept, ranking_scheme=copy.deepcopy(kept.ranking_scheme))
    settings = _read(session)
    session.info[_CACHE_KEY] = settings
    return dataclasses.replace(settings, ranking_scheme=copy.deepcopy(settings.ranking_scheme))


def _read(session: Session) -> TrackingSettings:
    stored = {row.key[len(KEY_PREFIX):]: row.value
              for row in session.scalars(select(Setting).where(Setting.key.like(KEY_PREFIX + "%")))}
    values = {**DEFAULTS, **stored}
    scheme = values.get("ranking_scheme")
    if not isinstance(scheme, dict):
        scheme = DEFAULT_RANKING_SCHEME
    fmt = values.get("supervision_notice_format")
    if not isinstance(fmt, str) or "{n}" not in fmt:
        fmt = DEFAULTS["supervision_notice_format"]
    return TrackingSettings(
        warn_days=_int(values.get("warn_days"), DEFAULTS["warn_days"], 0, 365),
        report_due_weekday=_int(values.get("report_due_weekday"), DEFAULTS["report_due_weekday"], 0, 6),
        partly_kept_percent=_int(values.get("partly_kept_percent"), DEFAULTS["partly_kept_percent"], 0, 100),
        propose_supervision_when_overdue=bool(values.get("propose_supervision_when_overdue")),
        attachment_max_mb=_int(values.get("attachment_max_mb"), DEFAULTS["attachment_max_mb"], 1, 2048),
        supervision_notice_format=fmt,
        ranking_scheme=copy.deepcopy(scheme),
    )
