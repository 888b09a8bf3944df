"""Who may vote (选民资格): age on election day, registration group, political rights, removal.

Rules (村民委员会组织法 §13 and the provincial 选举办法): 18 or older on the election day, not deprived of political
rights, registered in exactly one village in one of three groups:

1. household registered in the village and living there (户籍在本村并在本村居住);
2. household registered in the village, living elsewhere, and wishing to vote here (户籍在本村、不在本村居住、本人表示
   参加选举);
3. living in the village one year or more without household registration, who applies and is accepted by the
   villagers' meeting or representatives' meeting (户籍不在本村、在本村居住一年以上、本人申请、经村民会议或村民代表会议同意).

A person who has died, moved out or been struck off is not deleted: the voter row keeps its status, reason and date.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import sub

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.idcard import age_on
from villagevote.models.enums import VoterCategory, VoterStatus
from villagevote.periods import clears_on

__all__ = [
    "DEFAULT_MIN_AGE",
    "REMOVAL_STATUSES",
    "Eligibility",
    "adulthood_date",
    "age_on_election_day",
    "ages_on",
    "assess",
    "check_removal",
    "latest_birth_of_age",
]

DEFAULT_MIN_AGE = 18

# Statuses that take a voter off the published list (history is kept).
REMOVAL_STATUSES = (VoterStatus.DECEASED, VoterStatus.MOVED_OUT, VoterStatus.DEPRIVED, VoterStatus.REMOVED)


@dataclass(frozen=True)
class Eligibility:
    """The verdict for one voter on one election day."""

    eligible: bool
    age: int | None
    reasons: tuple[str, ...] = ()  # why not eligible (empty when eligible)

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def age_on_election_day(birth_date: dt.date, election_day: dt.date) -> int:
    """Full years of age on the election day (someone born on 29 February turns a year older on 1 March in common
    years)."""
    return age_on(birth_date, election_day)


def ages_on(birth_dates: Sequence[dt.date], day: dt.date) -> list[int]:
    """:func:`villagevote.idcard.age_on` of many birth dates at once (the import computes 50,000 of them).

    ``thresholds[j]`` is the last birth date that makes one ``top - j`` years old on ``day``: the same month and day
    ``top - j`` years earlier (28 February when ``day`` is 29 February and that year is common, so a 29 February
    birthday counts from 1 March, as in ``age_on``). A birth date's age is then ``top`` minus the number of thresholds
    before it: one C-level ``bisect`` per date. Dates outside the table (after ``day``, or ``top`` years or more
    before it) are computed one by one."""
    if not birth_dates:
        return []
    top, thresholds = _age_thresholds(day)
    ages = list(map(sub, repeat(top), map(bisect_left, repeat(thresholds), birth_dates)))
    if max(birth_dates) > day or min(birth_dates) <= thresholds[0]:
        ages = [age if thresholds[0] < birth <= day else age_on(birth, day) for age, birth in zip(ages, birth_dates)]
    return ages


@lru_cache(maxsize=8)
def _age_thresholds(day: dt.date, top: int = 150) -> tuple[int, list[dt.date]]:
    top = min(top, day.year - 1)
    return top, [_same_day(day, day.year - k) for k in range(top, -1, -1)]


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 2, 28)


def latest_birth_of_age(day: dt.date, min_age: int = DEFAULT_MIN_AGE) -> dt.date:
    """The last birth date that makes a person ``min_age`` years old on ``day`` (same convention as ``age_on``):
    anyone born after it is under ``min_age``. One comparison per row checks a whole column."""
    return _same_day(day, day.year - min_age)


def adulthood_date(birth_date: dt.date, min_age: int = DEFAULT_MIN_AGE) -> dt.date:
    """The first day on which a person born on ``birth_date`` is ``min_age`` years old."""
    year = birth_date.year + min_age
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def assess(birth_date: dt.date | None, election_day: dt.date, *, category: VoterCategory = VoterCategory.RESIDENT,
           status: VoterStatus = VoterStatus.ACTIVE, deprived: bool = False,
           residence_since: dt.date | None = None, application_date: dt.date | None = None,
           consent_note: str = "", min_age: int = DEFAULT_MIN_AGE, min_residence_years: int = 1) -> Eligibility:
    """Whether a registered person may vote on ``election_day``, with every reason when not.

    ``residence_since`` / ``application_date`` / ``consent_note`` matter only for the third group (non-registered
    residents): they must have lived in the village at least ``min_residence_years`` on the application date, and the
    villagers' (representatives') meeting's consent must be recorded. Missing residence dates are a reason, not an
    error, so the register can show what is still to be collected.
    """
    reasons: list[str] = []
    age: int | None = None
    if birth_date is None:
        reasons.append(tr("出生日期不明，无法确认年满{age}周岁").format(age=min_age))
    else:
        age = age_on_election_day(birth_date, election_day)
        if age < min_age:
            reasons.append(tr("选举日（{day}）未满{age}周岁，{adult}才年满{age}周岁").format(
                day=_cn(election_day), age=min_age, adult=_cn(adulthood_date(birth_date, min_age))))
    if deprived or status == VoterStatus.DEPRIVED:
        reasons.append(tr("被依法剥夺政治权利"))
    if status == VoterStatus.DECEASED:
        reasons.append(tr("已死亡"))
    elif status == VoterStatus.MOVED_OUT:
        reasons.append(tr("已迁出本村"))
    elif status == VoterStatus.REMOVED:
        reasons.append(tr("已从选民名单中除名"))
    if category == VoterCategory.NONREGISTERED_RESIDENT:
        if residence_since is None:
            reasons.append(tr("户籍不在本村的选民须登记在本村居住的起始日期"))
        else:
            on = application_date or election_day
            # 居住一年以上 counted like every period (民法典 §201/§202, villagevote.periods): the year ends on the
            # anniversary of the first day of residence and is complete from the day after
            if clears_on(residence_since, min_residence_years) > on:
                reasons.append(tr("在本村居住不满{years}年（自{since}起，申请日{on}）").format(
                    years=min_residence_years, since=_cn(residence_since), on=_cn(on)))
        if not consent_note.strip():
            reasons.append(tr("未记录村民会议或村民代表会议同意其参加选举"))
    return Eligibility(eligible=not reasons, age=age, reasons=tuple(reasons))


def check_removal(status: VoterStatus, reason: str, on: dt.date, today: dt.date | None = None) -> None:
    """Validate a removal (death, moving out, deprivation, striking off) before it is recorded."""
    if status not in REMOVAL_STATUSES:
        raise ValidationError(tr("「{status}」不是除名原因，应为：已死亡、已迁出、被剥夺政治权利或已除名").format(
            status=status.label))
    if not reason.strip():
        raise ValidationError(tr("请填写除名的具体原因（如死亡证明、迁出证明）"), field="reason")
    if on is None:
        raise ValidationError(tr("请填写除名的日期"), field="date")
    today = today or dt.date.today()
    if on > today:
        raise ValidationError(tr("除名日期 {on} 晚于今天，不能预先登记").format(on=_cn(on)), field="date")


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
