"""The 民主评议 engine: one evaluation session's ballots → each cadre's shares, grade and proposed consequences.

Pure Python, no Qt, no database (tracking.md A4, issue 18 item 2). One public entry point, :func:`decide`, with a
stable JSON-shaped contract (documented in the README, "The evaluation engine")::

    input  {"meeting": str, "scale": [choice, ... best first], "due": int, "present": int,
            "cadres": [{"name", "post", "body": "village_committee" | "party_branch" | ...,
                        "counts": {choice: int}, "blank": int, "invalid": int}],
            "history": [{"name", "year", "grade"}], "thresholds": {... optional overrides}}
    output {"valid": bool, "reasons": [str],
            "results": [{"name", "post", "valid_ballots": int, "percent": {choice: "30.0"},
                         "grade": "优秀" | "称职" | "基本称职" | "不称职", "proposals": [{"kind", "why"}]}]}

Optional input keys: ``year`` (the session's year; without it, the year after the latest in ``history``); per
cadre ``id`` (str or int: tells apart people of the same name, matched against ``id`` in history) and
``in_office`` (false refuses the session); per history item ``id`` and ``worst_percent`` (the worst choice's share
that year, for the two-years-at-30 % rule when the grade alone does not say it). Optional output keys: ``outcome``
("valid" | "below_quorum" | "input_error"), ``meeting``, ``due``, ``present``, ``quorum_minimum``, ``year``; per
result ``id``, ``body``, ``counts``, ``blank``, ``invalid``, ``reasons``; per proposal ``rule`` (the threshold key
that fired).

Rules (all shares over the VALID ballots: blank and invalid ballots are counted and shown, not in the denominator;
integer arithmetic, "worst at least 50 %" is ``worst * 100 >= 50 * valid``):

1. the worst choice (last of the scale) >= ``unfit_percent`` (50) → 不称职;
2. else the worst choice >= ``warning_percent`` (30) → 基本称职;
3. else the best choice (first of the scale) >= ``excellent_percent`` (90) → 优秀, proposed 表彰 (``commendation``);
4. else 称职.

This is the order of issue 18 (tracking.md A4 lists 优秀 before the 30 % line); with the default lines they cannot
disagree (the best choice at 90 % leaves the worst at most 10 %), with overridden lines the worse grade wins.

The worst choice at or above ``warning_percent`` proposes 诫勉谈话 (``warning_talk``) whatever the grade (so 不称职
too). 不称职 this year and in each of the ``unfit_years`` − 1 years before (history, same person) proposes 职务终止
(``termination``, 组织法 §33) for a village-committee member and 班子调整 (``team_adjustment``) for anyone else, and
the 辞职承诺 trigger ``annual_evaluation`` (``resignation_trigger``); the worst choice at or above
``warning_percent`` ``warning_years`` years running proposes 班子调整 (unless 职务终止 is proposed). Years must be
consecutive: a gap breaks the run. Results keep the order of the input.

Refusals (``valid`` false, ``results`` empty, every reason in Chinese naming the cadre and the number): malformed
input, a count that is negative or not an integer, a choice not on the scale, more ballots for a cadre than people
present, more present than due, the same person twice, a cadre not in office, a cadre with no valid ballot, bad
thresholds (``outcome`` "input_error"); a meeting below its quorum (``outcome`` "below_quorum").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from villagevote.evaluation.thresholds import (
    BASIC,
    COMPETENT,
    EXCELLENT,
    UNFIT,
    Quorum,
    Thresholds,
    grade_name,
    meeting_name,
    merge,
    number,
    percent_text,
)
from villagevote.i18n import tr

BODY_VILLAGE = "village_committee"
BODY_PARTY = "party_branch"

OUTCOME_VALID = "valid"
OUTCOME_BELOW_QUORUM = "below_quorum"
OUTCOME_INPUT_ERROR = "input_error"

# proposal kinds: the codes of models.enums.FlagKind (the Consequence kinds)
WARNING_TALK = "warning_talk"        # 诫勉谈话
COMMENDATION = "commendation"        # 表彰
TERMINATION = "termination"          # 职务终止
TEAM_ADJUSTMENT = "team_adjustment"  # 班子调整
RESIGNATION_TRIGGER = "resignation_trigger"  # 触发辞职承诺 (annual_evaluation)
PROPOSAL_KINDS = (WARNING_TALK, COMMENDATION, TERMINATION, TEAM_ADJUSTMENT, RESIGNATION_TRIGGER)


def tenths(count: int, basis: int) -> int:
    """count / basis in tenths of a percent, rounded half up, in integers (basis > 0)."""
    return (count * 2000 + basis) // (2 * basis)


def percent_string(count: int, basis: int) -> str:
    """count / basis as a percentage with one decimal, rounded half up ("30.0"); "0.0" for an empty basis."""
    if basis <= 0:
        return "0.0"
    t = tenths(count, basis)
    return f"{t // 10}.{t % 10}"


def reaches(count: int, basis: int, percent: Decimal) -> bool:
    """count is at least ``percent`` % of basis, exactly (count * 100 >= percent * basis)."""
    return Decimal(count * 100) >= percent * basis


# ---------------------------------------------------------------------------------------------------------------
# parsing (every problem collected, none raised)
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class _Cadre:
    name: str
    post: str
    body: str
    id: str | int | None
    counts: dict[str, int]
    blank: int
    invalid: int

    @property
    def valid(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Past:
    name: str
    id: str | int | None
    year: int
    grade: str
    worst_percent: Decimal | None


@dataclass
class _Session:
    meeting: str
    scale: list[str]
    due: int
    present: int
    year: int | None
    quorum: Quorum | None
    cadres: list[_Cadre]
    history: list[_Past]
    thresholds: Thresholds
    notes: list[str] = field(default_factory=list)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: Any, what: str, errors: list[str]) -> int:
    """A non-negative integer count, or 0 with a problem recorded."""
    if value is None:
        errors.append(tr("缺少{what}").format(what=what))
        return 0
    if not _is_int(value):
        errors.append(tr("{what}应为整数，而不是 {value!r}").format(what=what, value=value))
        return 0
    if value < 0:
        errors.append(tr("{what}为 {value}，不能为负数").format(what=what, value=value))
        return 0
    return int(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ident(value: Any) -> str | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int)):
        return value
    return str(value)


def _who(name: str, post: str) -> str:
    return tr("{name}（{post}）").format(name=name, post=post) if post else name


def _parse(data: Any) -> tuple[_Session | None, list[str]]:
    errors: list[str] = []
    if not isinstance(data, Mapping):
        return None, [tr("评议数据应为一个对象（键 → 值）")]
    try:
        thresholds = merge(data.get("thresholds"))
    except ValueError as exc:
        return None, [str(exc)]

    meeting_raw = _text(data.get("meeting"))
    meeting = meeting_name(meeting_raw)
    quorum: Quorum | None = None
    if not meeting:
        errors.append(tr("缺少会议类型（meeting：村民代表会议、村民会议、党员大会或乡镇评议组）"))
    elif meeting not in thresholds.quorum:
        errors.append(tr("未知的会议类型“{m}”（可用：{known}）").format(m=meeting_raw, known="、".join(thresholds.quorum)))
    else:
        quorum = thresholds.quorum[meeting]

    scale_raw = data.get("scale")
    scale: list[str] = []
    if not isinstance(scale_raw, list) or not all(isinstance(c, str) and c.strip() for c in scale_raw):
        errors.append(tr("评议档次（scale）应为文字列表，最好的在前（如 满意、基本满意、不满意）"))
    else:
        scale = [c.strip() for c in scale_raw]
        if len(scale) < 2:
            errors.append(tr("评议档次（scale）至少要有两档，现有 {n} 档").format(n=len(scale)))
        dup = sorted({c for c in scale if scale.count(c) > 1})
        if dup:
            errors.append(tr("评议档次“{c}”重复").format(c="、".join(dup)))

    due = _count(data.get("due"), tr("应到人数（due）"), errors)
    present = _count(data.get("present"), tr("实到人数（present）"), errors)
    if present > due:
        errors.append(tr("实到 {p} 人，多于应到 {d} 人").format(p=present, d=due))

    year: int | None = None
    if data.get("year") is not None:
        if not _is_int(data.get("year")):
            errors.append(tr("评议年度（year）应为整数，而不是 {v!r}").format(v=data.get("year")))
        else:
            year = int(data["year"])

    cadres: list[_Cadre] = []
    raw_cadres = data.get("cadres")
    if not isinstance(raw_cadres, list) or not raw_cadres:
        errors.append(tr("没有被评议人（cadres 为空）"))
        raw_cadres = []
    for index, raw in enumerate(raw_cadres, 1):
        if not isinstance(raw, Mapping):
            errors.append(tr("第 {i} 名被评议人的数据应为一个对象").format(i=index))
            continue
        name = _text(raw.get("name"))
        post = _text(raw.get("post"))
        if not name:
            errors.append(tr("第 {i} 名被评议人没有姓名").format(i=index))
            continue
        who = _who(name, post)
        if raw.get("in_office") is False:
            errors.append(tr("{who}该年度不在任，不能参加本次评议").format(who=who))
        counts: dict[str, int] = {c: 0 for c in scale}
        raw_counts = raw.get("counts")
        if not isinstance(raw_counts, Mapping):
            errors.append(tr("{who}缺少各档票数 counts").format(who=who))
            raw_counts = {}
        for choice, value in raw_counts.items():
            if scale and choice not in counts:
                errors.append(tr("{who}的“{c}”{v} 票：“{c}”不是本次评议的档次（{scale}）").format(
                    who=who, c=choice, v=value, scale="、".join(scale)))
                continue
            counts[choice] = _count(value, tr("{who}的“{c}”票数").format(who=who, c=choice), errors)
        blank = _count(raw.get("blank", 0), tr("{who}的空白票数").format(who=who), errors)
        invalid = _count(raw.get("invalid", 0), tr("{who}的无效票数").format(who=who), errors)
        cadre = _Cadre(name, post, _text(raw.get("body")), _ident(raw.get("id")), counts, blank, invalid)
        total = cadre.valid + blank + invalid
        if total > present:
            parts = "、".join(tr("{c} {n}").format(c=c, n=n) for c, n in counts.items())
            errors.append(tr("{who}的票数合计 {t} 张（{parts}、空白 {b}、无效 {i}），多于实到 {p} 人").format(
                who=who, t=total, parts=parts, b=blank, i=invalid, p=present))
        cadres.append(cadre)

    # the same person twice: by id when every entry of that name carries a distinct one, else by name
    by_name: dict[str, list[_Cadre]] = {}
    for c in cadres:
        by_name.setdefault(c.name, []).append(c)
    for name, group in by_name.items():
        ids = [c.id for c in group]
        if len(group) > 1 and (None in ids or len(set(ids)) < len(ids)):
            errors.append(tr("{name} 在被评议人中出现 {n} 次（同一人只能评议一次；同名的不同人请给出 id）").format(
                name=name, n=len(group)))

    history: list[_Past] = []
    raw_history = data.get("history") or []
    if not isinstance(raw_history, list):
        errors.append(tr("历年评议（history）应为列表"))
        raw_history = []
    for index, raw in enumerate(raw_history, 1):
        if not isinstance(raw, Mapping) or not _text(raw.get("name")) or not _is_int(raw.get("year")):
            errors.append(tr("历年评议第 {i} 条应有姓名 name、年度 year（整数）和等次 grade").format(i=index))
            continue
        grade = grade_name(str(raw.get("grade", "")))
        if grade is None:
            errors.append(tr("历年评议第 {i} 条（{name}，{year} 年）的等次“{g}”不是优秀、称职、基本称职或不称职").format(
                i=index, name=raw.get("name"), year=raw.get("year"), g=raw.get("grade")))
            continue
        worst: Decimal | None = None
        if raw.get("worst_percent") is not None:
            try:
                worst = number(raw.get("worst_percent"), "worst_percent")
            except ValueError as exc:
                errors.append(str(exc))
        history.append(_Past(_text(raw.get("name")), _ident(raw.get("id")), int(raw["year"]), grade, worst))

    if errors:
        return None, errors
    notes: list[str] = []
    if year is None and history:
        year = max(p.year for p in history) + 1
        notes.append(tr("未给出评议年度，按历年评议的最近年度推定为 {y} 年").format(y=year))
    return _Session(meeting, scale, due, present, year, quorum, cadres, history, thresholds, notes), []


# ---------------------------------------------------------------------------------------------------------------
# decide
# ---------------------------------------------------------------------------------------------------------------

def _refused(outcome: str, reasons: list[str], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"valid": False, "reasons": reasons, "results": [], "outcome": outcome}
    if extra:
        out.update(extra)
    return out


def _same_person(past: _Past, cadre: _Cadre) -> bool:
    if past.id is not None and cadre.id is not None:
        return str(past.id) == str(cadre.id)
    return past.name == cadre.name


def _past_years(s: _Session, cadre: _Cadre, years: int) -> list[int]:
    """The ``years`` − 1 years before this one, newest first (empty when the session's year is unknown)."""
    if s.year is None:
        return []
    return [s.year - k for k in range(1, years)]


def _grades_in(s: _Session, cadre: _Cadre, year: int) -> list[_Past]:
    return [p for p in s.history if p.year == year and _same_person(p, cadre)]


def _run_of_unfit(s: _Session, cadre: _Cadre) -> list[int] | None:
    """The earlier years of a run of 不称职 long enough with this one, or None."""
    years = _past_years(s, cadre, s.thresholds.unfit_years)
    if s.year is None and s.thresholds.unfit_years > 1:
        return None
    for y in years:
        if not any(p.grade == UNFIT for p in _grades_in(s, cadre, y)):
            return None
    return years


def _run_of_warning(s: _Session, cadre: _Cadre) -> list[int] | None:
    """The earlier years of a run of years with the worst choice at the 诫勉 line, or None."""
    th = s.thresholds
    years = _past_years(s, cadre, th.warning_years)
    if s.year is None and th.warning_years > 1:
        return None

    def at_line(p: _Past) -> bool:
        if p.worst_percent is not None:
            return p.worst_percent >= th.warning_percent
        return p.grade in (BASIC, UNFIT)

    for y in years:
        if not any(at_line(p) for p in _grades_in(s, cadre, y)):
            return None
    return years


def _years_text(earlier: list[int], year: int | None) -> str:
    """The years of a run, oldest first: 2025 年、2026 年 (this year as 本年度 when it is unknown)."""
    words = [tr("{y} 年").format(y=y) for y in sorted(earlier)]
    words.append(tr("{y} 年").format(y=year) if year is not None else tr("本年度"))
    return "、".join(words)


def _judge(s: _Session, cadre: _Cadre) -> dict[str, Any]:
    th = s.thresholds
    best, worst = s.scale[0], s.scale[-1]
    valid = cadre.valid
    who = _who(cadre.name, cadre.post)

    def share(choice: str) -> str:
        return tr("{c} {n} 票，占有效票 {v} 张的 {p}%").format(
            c=choice, n=cadre.counts[choice], v=valid, p=percent_string(cadre.counts[choice], valid))

    reasons = [tr("{who}：有效票 {v} 张（空白 {b} 张、无效 {i} 张已计数，不计入比例）").format(
        who=who, v=valid, b=cadre.blank, i=cadre.invalid)]
    proposals: list[dict[str, str]] = []
    worst_n, best_n = cadre.counts[worst], cadre.counts[best]
    unfit_t, warn_t, exc_t = (percent_text(th.unfit_percent), percent_text(th.warning_percent),
                              percent_text(th.excellent_percent))
    at_warning = reaches(worst_n, valid, th.warning_percent)
    if reaches(worst_n, valid, th.unfit_percent):
        grade = UNFIT
        reasons.append(tr("{s}，达到 {t}%，评为不称职").format(s=share(worst), t=unfit_t))
    elif at_warning:
        grade = BASIC
        reasons.append(tr("{s}，未达到 {u}%，达到 {t}%，评为基本称职").format(s=share(worst), u=unfit_t, t=warn_t))
    elif reaches(best_n, valid, th.excellent_percent):
        grade = EXCELLENT
        reasons.append(tr("{w}，未达到 {wt}%；{s}，达到 {t}%，评为优秀").format(
            w=share(worst), wt=warn_t, s=share(best), t=exc_t))
    else:
        grade = COMPETENT
        reasons.append(tr("{w}，未达到 {wt}%；{s}，未达到 {t}%，评为称职").format(
            w=share(worst), wt=warn_t, s=share(best), t=exc_t))

    if at_warning:
        proposals.append({"kind": WARNING_TALK, "rule": "warning_percent",
                          "why": tr("{s}，达到 {t}%，建议诫勉谈话").format(s=share(worst), t=warn_t)})
    if grade == EXCELLENT:
        proposals.append({"kind": COMMENDATION, "rule": "excellent_percent",
                          "why": tr("{s}，达到 {t}%，评为优秀，建议表彰").format(s=share(best), t=exc_t)})

    termination = False
    if grade == UNFIT:
        earlier = _run_of_unfit(s, cadre)
        if earlier is not None:
            run = _years_text(earlier, s.year)
            n = th.unfit_years
            if cadre.body == BODY_VILLAGE:
                termination = True
                proposals.append({"kind": TERMINATION, "rule": "unfit_years", "why": tr(
                    "连续 {n} 年民主评议不称职（{run}），依照《村民委员会组织法》第三十三条，建议终止其村民委员会成员职务"
                ).format(n=n, run=run)})
            else:
                proposals.append({"kind": TEAM_ADJUSTMENT, "rule": "unfit_years", "why": tr(
                    "连续 {n} 年民主评议不称职（{run}），建议调整班子").format(n=n, run=run)})
            proposals.append({"kind": RESIGNATION_TRIGGER, "rule": "unfit_years", "why": tr(
                "连续 {n} 年民主评议不称职（{run}），触发辞职承诺情形“年度考核或者民主评议不合格的”"
            ).format(n=n, run=run)})
    if at_warning and not termination and not any(p["kind"] == TEAM_ADJUSTMENT for p in proposals):
        earlier = _run_of_warning(s, cadre)
        if earlier is not None:
            proposals.append({"kind": TEAM_ADJUSTMENT, "rule": "warning_years", "why": tr(
                "连续 {n} 年{c}票达到有效票的 {t}%（{run}），建议调整班子").format(
                n=th.warning_years, c=worst, t=warn_t, run=_years_text(earlier, s.year))})
    reasons.extend(p["why"] for p in proposals)
    reasons = [reasons[0]] + [tr("{who}：{text}").format(who=who, text=r) for r in reasons[1:]]

    result: dict[str, Any] = {
        "name": cadre.name,
        "post": cadre.post,
        "valid_ballots": valid,
        "percent": {c: percent_string(cadre.counts[c], valid) for c in s.scale},
        "grade": grade,
        "proposals": proposals,
        "body": cadre.body,
        "counts": dict(cadre.counts),
        "blank": cadre.blank,
        "invalid": cadre.invalid,
        "reasons": reasons,
    }
    if cadre.id is not None:
        result["id"] = cadre.id
    return result


def decide(session: dict) -> dict:
    """Decide one evaluation session; see the module docstring for the contract. Never raises on bad data: the
    answer is ``valid`` false with the reasons."""
    s, errors = _parse(session)
    if s is None:
        return _refused(OUTCOME_INPUT_ERROR, [tr("评议数据有误，未作评定，请核对后重新计算：")] + errors)
    extra: dict[str, Any] = {"meeting": s.meeting, "due": s.due, "present": s.present, "year": s.year}
    reasons = list(s.notes)
    if s.quorum is None:
        extra["quorum_minimum"] = None
        reasons.append(tr("{m}应到 {d} 人，实到 {p} 人（不设到会人数要求）").format(m=s.meeting, d=s.due, p=s.present))
    else:
        minimum = s.quorum.minimum(s.due)
        extra["quorum_minimum"] = minimum
        if not s.quorum.met(s.present, s.due):
            return _refused(OUTCOME_BELOW_QUORUM, reasons + [tr(
                "{m}应到 {d} 人，实到 {p} 人，未达到{rule}（须至少 {min} 人），评议无效，应重新组织").format(
                m=s.meeting, d=s.due, p=s.present, rule=s.quorum.text(), min=minimum)], extra)
        reasons.append(tr("{m}应到 {d} 人，实到 {p} 人，达到{rule}（至少 {min} 人），评议有效").format(
            m=s.meeting, d=s.due, p=s.present, rule=s.quorum.text(), min=minimum))

    empty = [c for c in s.cadres if c.valid == 0]
    if empty:
        return _refused(OUTCOME_INPUT_ERROR, reasons + [tr("评议数据有误，未作评定，请核对后重新计算：")] + [
            tr("{who}有效票为 0 张（空白 {b} 张、无效 {i} 张），无法计算比例").format(
                who=_who(c.name, c.post), b=c.blank, i=c.invalid) for c in empty], extra)

    results = [_judge(s, c) for c in s.cadres]
    for r in results:
        reasons.extend(r["reasons"])
    out: dict[str, Any] = {"valid": True, "reasons": reasons, "results": results, "outcome": OUTCOME_VALID}
    out.update(extra)
    return out
