"""The statutory calendar (法定时间节点) of a village election, computed from the election day and a rule profile.

Every period is data with a default (domain.md §4), kept in :class:`RuleProfile` and editable per cycle:

* voter list published at least 20 days before the vote (选举日前20日公布选民名单);
* objections to the list within 5 days of publication, answered within 3 days of receipt (some provinces instead:
  objections up to N days before the vote, answers M days before);
* candidate list posted 5 days before the vote (选举日前5日公布候选人名单);
* the list of proxies (委托投票名单) posted before the vote — default 1 day before;
* a proxy holder carries at most 3 proxies (some provinces 2 or 1).

Counting follows 民法典 §201: a period "within N days" of an event starts the next day, so 5 days from publication on
the 1st ends on the 6th. Dates that fall on public holidays are not moved; staff may enter a later date by hand.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr

__all__ = [
    "NOTICE_DAYS",
    "Deadline",
    "DeadlineStatus",
    "ObjectionDates",
    "RuleProfile",
    "deadline_status",
    "notice_date_problem",
    "objection_dates",
    "objection_overdue",
    "publication_warnings",
    "statutory_calendar",
]

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RuleProfile:
    """Periods and limits that vary by province and round. All counts are days unless named otherwise."""

    voter_list_days_before: int = 20
    objection_days: int = 5
    objection_deadline_days_before: int | None = None  # if set, objections close this many days before the vote
    objection_answer_days: int = 3
    answer_deadline_days_before: int | None = None  # if set, answers are due no later than this many days before
    candidate_list_days_before: int = 5
    proxy_list_days_before: int = 1
    proxy_cap: int = 3
    min_age: int = 18
    min_residence_years: int = 1

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValidationError`` for values no province uses (negative days, a cap outside 1..3)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(tr("规则设置「{name}」应为不小于 0 的整数，实际为 {value}").format(
                    name=_PROFILE_LABELS.get(f.name, f.name), value=value))
        if not 1 <= self.proxy_cap <= 3:
            raise ValidationError(tr("每位受托人最多接受的委托数应为 1、2 或 3，实际为 {value}").format(
                value=self.proxy_cap))
        if self.voter_list_days_before <= self.candidate_list_days_before:
            raise ValidationError(tr("选民名单应早于候选人名单公布：选民名单为选举日前 {a} 天，候选人名单为前 {b} 天").format(
                a=self.voter_list_days_before, b=self.candidate_list_days_before))
        if not 16 <= self.min_age <= 25:
            raise ValidationError(tr("选民年龄下限 {value} 不合理").format(value=self.min_age))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> RuleProfile:
        """Build from stored settings (unknown keys ignored, missing keys take the defaults)."""
        if not data:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_mapping(self) -> dict[str, Any]:
        return asdict(self)


_PROFILE_LABELS = {
    "voter_list_days_before": "选民名单公布（选举日前天数）",
    "objection_days": "异议提出期限（公布后天数）",
    "objection_deadline_days_before": "异议截止（选举日前天数）",
    "objection_answer_days": "异议答复期限（收到后天数）",
    "answer_deadline_days_before": "异议答复截止（选举日前天数）",
    "candidate_list_days_before": "候选人名单公布（选举日前天数）",
    "proxy_list_days_before": "委托投票名单公布（选举日前天数）",
    "proxy_cap": "每位受托人最多接受委托数",
    "min_age": "选民年龄下限",
    "min_residence_years": "非户籍居民居住年限",
}


@dataclass(frozen=True)
class Deadline:
    """One dated step of the calendar."""

    code: str  # voter_list, objection_deadline, objection_answers, candidate_list, proxy_list, election
    label: str  # Chinese
    due: dt.date
    basis: str  # Chinese: how the date was computed, e.g. "选举日前20天"


class DeadlineStatus(str, enum.Enum):
    DONE = "done"
    DONE_LATE = "done_late"
    LATE = "late"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"

    @property
    def label(self) -> str:
        return {
            "done": tr("已完成"),
            "done_late": tr("已完成（逾期）"),
            "late": tr("已逾期"),
            "due_soon": tr("即将到期"),
            "upcoming": tr("未到期"),
        }[self.value]


def statutory_calendar(election_day: dt.date, profile: RuleProfile | None = None,
                       published_on: dt.date | None = None) -> list[Deadline]:
    """The statutory dates of one village's election, in date order.

    ``published_on`` is the day the voter list was actually posted; objection dates count from it when given,
    otherwise from the latest lawful publication day.
    """
    p = profile or RuleProfile()
    e = election_day
    voter_list = e - p.voter_list_days_before * DAY
    base = published_on or voter_list
    items = [
        Deadline("voter_list", tr("公布选民名单"), voter_list,
                 tr("选举日前{n}天").format(n=p.voter_list_days_before)),
    ]
    raise_deadline = _raise_deadline(base, e, p)
    if p.objection_deadline_days_before is not None:
        raise_basis = tr("选举日前{n}天").format(n=p.objection_deadline_days_before)
    else:
        raise_basis = tr("名单公布后{n}天内").format(n=p.objection_days)
    items.append(Deadline("objection_deadline", tr("选民名单异议截止"), raise_deadline, raise_basis))
    items.append(Deadline("objection_answers", tr("异议答复截止（最晚一件）"), _answer_due(raise_deadline, e, p),
                          tr("收到异议后{n}天内").format(n=p.objection_answer_days)))
    items.append(Deadline("candidate_list", tr("公布候选人名单"), e - p.candidate_list_days_before * DAY,
                          tr("选举日前{n}天").format(n=p.candidate_list_days_before)))
    items.append(Deadline("proxy_list", tr("公布委托投票名单"), e - p.proxy_list_days_before * DAY,
                          tr("选举日前{n}天").format(n=p.proxy_list_days_before)))
    items.append(Deadline("election", tr("选举日"), e, tr("投票选举")))
    items.sort(key=lambda d: d.due)
    return items


def _raise_deadline(published_on: dt.date, election_day: dt.date, p: RuleProfile) -> dt.date:
    if p.objection_deadline_days_before is not None:
        return election_day - p.objection_deadline_days_before * DAY
    return published_on + p.objection_days * DAY


def _answer_due(received_on: dt.date, election_day: dt.date, p: RuleProfile) -> dt.date:
    due = received_on + p.objection_answer_days * DAY
    if p.answer_deadline_days_before is not None:
        due = min(due, election_day - p.answer_deadline_days_before * DAY)
    # An objection must be settled before the vote whatever the profile says.
    return min(due, election_day - DAY)


def deadline_status(due: dt.date, today: dt.date, done_on: dt.date | None = None,
                    soon_days: int = 3) -> DeadlineStatus:
    """Where a step stands on ``today``: done (in time or late), late, due within ``soon_days``, or upcoming."""
    if done_on is not None:
        return DeadlineStatus.DONE if done_on <= due else DeadlineStatus.DONE_LATE
    if today > due:
        return DeadlineStatus.LATE
    if (due - today).days <= soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.UPCOMING


@dataclass(frozen=True)
class ObjectionDates:
    """The dates that govern one objection."""

    raise_deadline: dt.date  # last day objections could be raised
    answer_due: dt.date  # when this objection must be answered
    filed_late: bool  # received after the raise deadline


def objection_dates(received_on: dt.date, published_on: dt.date, election_day: dt.date,
                    profile: RuleProfile | None = None) -> ObjectionDates:
    """Due dates for an objection received on ``received_on`` against a list published on ``published_on``."""
    p = profile or RuleProfile()
    if received_on < published_on:
        raise ValidationError(tr("异议收到日期 {r} 早于选民名单公布日期 {p}，请核对").format(
            r=_cn(received_on), p=_cn(published_on)))
    if received_on >= election_day:
        raise ValidationError(tr("异议收到日期 {r} 不早于选举日 {e}，选举日当天及以后不再受理名单异议").format(
            r=_cn(received_on), e=_cn(election_day)))
    raise_deadline = _raise_deadline(published_on, election_day, p)
    return ObjectionDates(
        raise_deadline=raise_deadline,
        answer_due=_answer_due(received_on, election_day, p),
        filed_late=received_on > raise_deadline,
    )


def objection_overdue(answer_due: dt.date, today: dt.date, answered_on: dt.date | None = None) -> bool:
    """True when the answer is late: not answered after the due date, or answered after it."""
    if answered_on is not None:
        return answered_on > answer_due
    return today > answer_due


def publication_warnings(published_on: dt.date | None, election_day: dt.date,
                         profile: RuleProfile | None = None) -> list[str]:
    """Problems with the publication date of the voter list (too late, or after the vote)."""
    p = profile or RuleProfile()
    latest = election_day - p.voter_list_days_before * DAY
    if published_on is None:
        return []
    if published_on >= election_day:
        return [tr("选民名单公布日 {d} 不早于选举日 {e}").format(d=_cn(published_on), e=_cn(election_day))]
    if published_on > latest:
        return [tr("选民名单公布日 {d} 晚于法定的选举日前{n}天（应不晚于 {latest}）").format(
            d=_cn(published_on), n=p.voter_list_days_before, latest=_cn(latest))]
    return []


#: Notices whose posting date the law ties to the election day: code → (profile field, Chinese name of the notice).
NOTICE_DAYS: dict[str, tuple[str, str]] = {
    "voter_list": ("voter_list_days_before", "选民名单公告"),
    "candidate_list": ("candidate_list_days_before", "候选人名单公示"),
}


def notice_date_problem(code: str, on: dt.date, election_day: dt.date, profile: RuleProfile | None = None) -> str:
    """Why a notice dated ``on`` is closer to the election than the profile allows ("" when it is in time).

    组织法 §14 (选民名单应当在选举日的二十日以前公布) and the 选举规程 (候选人名单 at least 5 days before): the notice
    must be dated no later than election day minus the profile's days."""
    p = profile or RuleProfile()
    field, what = NOTICE_DAYS[code]
    need = getattr(p, field)
    latest = election_day - need * DAY
    if on <= latest:
        return ""
    left = (election_day - on).days
    if left <= 0:
        return tr("{what}日期 {d} 不早于选举日 {e}，不能在选举日当天或之后公布").format(
            what=tr(what), d=_cn(on), e=_cn(election_day))
    return tr("{what}日期 {d} 距选举日 {e} 只有 {left} 天，法定应在选举日前至少 {need} 天公布（不晚于 {latest}）").format(
        what=tr(what), d=_cn(on), e=_cn(election_day), left=left, need=need, latest=_cn(latest))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
