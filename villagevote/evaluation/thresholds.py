"""Thresholds of the 民主评议 engine, the verdicts and the 辞职承诺 triggers: defaults in code, overrides as data.

Pure Python (no database): the township's overrides live in the ``setting`` table under :data:`SETTING_KEY` as a
JSON object with any of the keys of :data:`DEFAULTS`; the domain reads that setting and passes it here, the engine's
JSON input passes its ``"thresholds"`` object. :func:`merge` checks every value and returns a frozen
:class:`Thresholds`; a bad value raises ``ValueError`` with a Chinese message naming the key.

Numbers are ``int`` or ``Decimal`` (a JSON float or a string such as ``"33.3"`` is read as the Decimal it spells,
never kept as a float). Percentages compare exactly: "worst choice at least 30 %" is ``worst * 100 >= 30 * valid``.

Quorum rules are strings ``">=2/3"`` ("at least two thirds": ``present * 3 >= due * 2``), ``">1/2"`` ("more than
half": ``present * 2 > due``) or ``null`` (no quorum), per meeting kind, keyed by the Chinese name of the meeting
(the codes of ``MeetingKind`` are accepted too, see :data:`MEETING_CODES`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from villagevote.i18n import tr

SETTING_KEY = "evaluation.thresholds"

# the meetings that hold a 民主评议, with the codes of models.enums.MeetingKind (the engine stays free of models)
REPRESENTATIVES = "村民代表会议"
VILLAGERS = "村民会议"
PARTY = "党员大会"
TOWNSHIP_PANEL = "乡镇评议组"
COMMITTEES = "两委联席会议"
MEETING_CODES: dict[str, str] = {
    "representatives": REPRESENTATIVES,
    "villagers": VILLAGERS,
    "party": PARTY,
    "township_panel": TOWNSHIP_PANEL,
    "committees": COMMITTEES,
}

# the four grades every scale maps to (the scale's own words are only the ballot's choices)
EXCELLENT = "优秀"
COMPETENT = "称职"
BASIC = "基本称职"
UNFIT = "不称职"
GRADES = (EXCELLENT, COMPETENT, BASIC, UNFIT)
# history written under another scale's words is read as the grade it stands for
GRADE_SYNONYMS: dict[str, str] = {
    "满意": COMPETENT, "合格": COMPETENT, "基本满意": BASIC, "基本合格": BASIC, "不满意": UNFIT, "不合格": UNFIT,
    "excellent": EXCELLENT, "competent": COMPETENT, "satisfied": COMPETENT, "basic": BASIC, "unfit": UNFIT,
    "unsatisfied": UNFIT,
}

DEFAULTS: dict[str, Any] = {
    # 组织法 §26: 村民代表会议 "有三分之二以上的组成人员参加方可召开" (以上 includes the number);
    # 组织法 §22: 村民会议 "应当有本村十八周岁以上村民的过半数……参加";
    # 党员大会: 中国共产党支部工作条例（试行）§11 "表决必须有半数以上有表决权的党员到会方可进行" (以上 includes
    # the number; 组织法 has nothing on it); 乡镇评议组: no quorum; 两委联席会议: more than half [D].
    "quorum": {REPRESENTATIVES: ">=2/3", VILLAGERS: ">1/2", PARTY: ">=1/2", TOWNSHIP_PANEL: None,
               COMMITTEES: ">1/2"},
    "unfit_percent": 50,        # worst choice >= 50 % of valid ballots -> 不称职
    "warning_percent": 30,      # else worst choice >= 30 % -> 基本称职, proposed 诫勉谈话 (also for 不称职)
    "excellent_percent": 90,    # else best choice >= 90 % -> 优秀, proposed 表彰
    "unfit_years": 2,           # 不称职 this many years running -> 职务终止 (村委会, 组织法 §33) / 班子调整; trigger
    "warning_years": 2,         # worst choice >= warning_percent this many years running -> 班子调整
    # composite score (tracking.md A4): points per grade, weights of 民评 / 镇评 / 践诺率, 班子调整 below
    "grade_points": {EXCELLENT: 100, COMPETENT: 100, BASIC: 60, UNFIT: 0},
    "composite_weights": {"people": 50, "township": 30, "fulfilment": 20},
    "composite_adjust_below": 60,
    # verdicts (A6): a metric item with at least this share of its way from baseline to target is 部分兑现
    "partly_progress_percent": 50,
    # 辞职承诺 triggers (A5)
    "missed_meetings_count": 4,     # absences without reason ...
    "missed_meetings_months": 12,   # ... within this many months (rolling)
    "long_absence_months": 6,       # absent without a break for this many months
    "term_goals_rate_below": 60,    # 践诺率 below this percent at the end of the term fires term_goals; null: never
}

_QUORUM = re.compile(r"^\s*(>=|>)\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Quorum:
    """present * denominator >= (or >) due * numerator."""

    numerator: int
    denominator: int
    strict: bool  # True: "more than" (>); False: "at least" (>=, 以上 includes the number)

    def met(self, present: int, due: int) -> bool:
        left, right = present * self.denominator, due * self.numerator
        return left > right if self.strict else left >= right

    def minimum(self, due: int) -> int:
        """The fewest present that meet the rule."""
        base = due * self.numerator
        if self.strict:
            return base // self.denominator + 1
        return -(-base // self.denominator)

    def text(self) -> str:
        """The rule in words: 三分之二以上 / 超过二分之一 (过半数)."""
        fraction = _fraction_words(self.numerator, self.denominator)
        if self.strict:
            return tr("过半数") if (self.numerator, self.denominator) == (1, 2) else tr("超过{f}").format(f=fraction)
        return tr("半数以上") if (self.numerator, self.denominator) == (1, 2) else tr("{f}以上").format(f=fraction)


_DIGITS = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    if 0 <= n <= 10:
        return _DIGITS[n]
    return str(n)


def _fraction_words(num: int, den: int) -> str:
    return tr("{d}分之{n}").format(d=_cn_number(den), n=_cn_number(num))


@dataclass(frozen=True)
class Thresholds:
    quorum: Mapping[str, Quorum | None]
    unfit_percent: Decimal
    warning_percent: Decimal
    excellent_percent: Decimal
    unfit_years: int
    warning_years: int
    grade_points: Mapping[str, Decimal]
    composite_weights: Mapping[str, Decimal]
    composite_adjust_below: Decimal
    partly_progress_percent: Decimal
    missed_meetings_count: int
    missed_meetings_months: int
    long_absence_months: int
    term_goals_rate_below: Decimal | None


def meeting_name(meeting: str) -> str:
    """The Chinese name of a meeting kind given by name or by its MeetingKind code."""
    return MEETING_CODES.get(meeting, meeting)


def grade_name(grade: str) -> str | None:
    """One of GRADES for a grade written in any scale's words or as a code; None when it is none of them."""
    grade = str(grade).strip()
    if grade in GRADES:
        return grade
    return GRADE_SYNONYMS.get(grade)


def number(value: Any, key: str) -> Decimal:
    """An exact Decimal from an int, a Decimal, a numeric string or a JSON float (read as the digits it prints)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(tr("阈值“{key}”应为数字，而不是 {value!r}").format(key=key, value=value))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, (float, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(tr("阈值“{key}”应为数字，而不是 {value!r}").format(key=key, value=value)) from None
    else:
        raise ValueError(tr("阈值“{key}”应为数字，而不是 {value!r}").format(key=key, value=value))
    if not result.is_finite():
        raise ValueError(tr("阈值“{key}”应为有限的数字，而不是 {value!r}").format(key=key, value=value))
    return result


def _percent(value: Any, key: str) -> Decimal:
    result = number(value, key)
    if result < 0 or result > 100:
        raise ValueError(tr("阈值“{key}”应在 0 到 100 之间，而不是 {value}").format(key=key, value=value))
    return result


def _count(value: Any, key: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(tr("阈值“{key}”应为不小于 {m} 的整数，而不是 {value!r}").format(key=key, m=minimum, value=value))
    return value


def parse_quorum(rule: Any, meeting: str) -> Quorum | None:
    if rule is None:
        return None
    m = _QUORUM.match(str(rule)) if isinstance(rule, str) else None
    if m is None or int(m.group(3)) == 0 or int(m.group(2)) > int(m.group(3)):
        raise ValueError(tr("“{meeting}”的到会人数规则应写作 \">=2/3\"、\">1/2\" 或 null，而不是 {rule!r}").format(
            meeting=meeting, rule=rule))
    return Quorum(int(m.group(2)), int(m.group(3)), strict=m.group(1) == ">")


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(tr("阈值“{key}”应为对象（键 → 值），而不是 {value!r}").format(key=key, value=value))
    return value


def merge(overrides: Mapping[str, Any] | None = None) -> Thresholds:
    """The defaults with ``overrides`` applied (unknown keys and bad values raise ValueError in Chinese).

    ``quorum``, ``grade_points`` and ``composite_weights`` merge key by key: overriding one meeting's rule keeps the
    others'."""
    raw: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULTS.items()}
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            raise ValueError(tr("阈值设置应为对象（键 → 值），而不是 {value!r}").format(value=overrides))
        for key, value in overrides.items():
            if key not in DEFAULTS:
                raise ValueError(tr("未知的阈值设置“{key}”（可用：{keys}）").format(key=key, keys="、".join(DEFAULTS)))
            if key in ("quorum", "grade_points", "composite_weights"):
                raw[key].update({(meeting_name(k) if key == "quorum" else k): v
                                 for k, v in _mapping(value, key).items()})
            else:
                raw[key] = value

    quorum = {name: parse_quorum(rule, name) for name, rule in raw["quorum"].items()}
    points: dict[str, Decimal] = {}
    for grade, value in raw["grade_points"].items():
        name = grade_name(grade)
        if name is None:
            raise ValueError(tr("等次分值中的“{grade}”不是优秀、称职、基本称职或不称职").format(grade=grade))
        points[name] = _percent(value, f"grade_points.{grade}")
    weights: dict[str, Decimal] = {}
    for part, value in raw["composite_weights"].items():
        if part not in ("people", "township", "fulfilment"):
            raise ValueError(tr("综合得分权重中的“{part}”应为 people（民评）、township（镇评）或 fulfilment（践诺率）").format(
                part=part))
        weight = number(value, f"composite_weights.{part}")
        if weight < 0:
            raise ValueError(tr("综合得分权重“{part}”不能为负数：{value}").format(part=part, value=value))
        weights[part] = weight
    if sum(weights.values()) <= 0:
        raise ValueError(tr("综合得分权重之和应大于 0"))
    unfit = _percent(raw["unfit_percent"], "unfit_percent")
    warning = _percent(raw["warning_percent"], "warning_percent")
    if warning > unfit:
        raise ValueError(tr("诫勉线 warning_percent（{w}%）不应高于不称职线 unfit_percent（{u}%）").format(w=warning, u=unfit))
    rate_below = raw["term_goals_rate_below"]
    return Thresholds(
        quorum=quorum,
        unfit_percent=unfit,
        warning_percent=warning,
        excellent_percent=_percent(raw["excellent_percent"], "excellent_percent"),
        unfit_years=_count(raw["unfit_years"], "unfit_years"),
        warning_years=_count(raw["warning_years"], "warning_years"),
        grade_points=points,
        composite_weights=weights,
        composite_adjust_below=_percent(raw["composite_adjust_below"], "composite_adjust_below"),
        partly_progress_percent=_percent(raw["partly_progress_percent"], "partly_progress_percent"),
        missed_meetings_count=_count(raw["missed_meetings_count"], "missed_meetings_count"),
        missed_meetings_months=_count(raw["missed_meetings_months"], "missed_meetings_months"),
        long_absence_months=_count(raw["long_absence_months"], "long_absence_months"),
        term_goals_rate_below=None if rate_below is None else _percent(rate_below, "term_goals_rate_below"),
    )


def percent_text(value: Decimal) -> str:
    """A threshold as people write it: 30, 33.3 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


DEFAULT = merge()
