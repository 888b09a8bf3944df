"""Counting periods in years the way the Civil Code does (民法典 第二百零一条、第二百零二条). Pure; no Qt, no database.

§201: a period counted in years, months or days does not count the day it starts on; counting begins the next day.
§202: a period counted in years or months ends on the corresponding day (对应日) of the final month; where that month has
no corresponding day, its last day is the period's last day.

So a bar of N years from an event (刑满释放不满5年, 处理后不满5年, a discipline bar ending on a recorded 期满日) still
holds on the period's last day and has cleared from the day after:

* event 2019-06-01, 5 years → the period ends 2024-06-01 (the anniversary); barred on 2024-06-01, clear on 2024-06-02;
* event 2020-02-29, 5 years → 2025 has no 29 February, so the period ends 2025-02-28; clear on 2025-03-01;
* event 2020-02-29, 4 years → ends 2024-02-29; clear on 2024-03-01.

Every time window uses :func:`period_end` / :func:`clears_on`: the qualification rules' windows and 期满日
(``qualification.rules_engine``) and a non-registered resident's 居住一年以上 (``voters.eligibility``). Ages are not
periods: a person is N years old from the N-th birthday (``idcard.age_on``).
"""
from __future__ import annotations

import calendar
import datetime as _dt

__all__ = ["clears_on", "period_end"]


def period_end(start: _dt.date, years: int) -> _dt.date:
    """The last day of a period of ``years`` years that starts with the event on ``start`` (民法典 §201/§202)."""
    year = start.year + years
    last = calendar.monthrange(year, start.month)[1]
    return _dt.date(year, start.month, min(start.day, last))


def clears_on(start: _dt.date, years: int) -> _dt.date:
    """The first day on which ``years`` full years have passed since ``start``: the day after :func:`period_end`."""
    return period_end(start, years) + _dt.timedelta(days=1)
