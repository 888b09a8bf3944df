"""Scoring schemes for performance-based selection (实绩比选) as plain, validated data.

A scheme is stored as JSON (see ``resources/scoring_schemes/``). Numbers are written as strings ("60", "0.5") and
read as :class:`~decimal.Decimal`, never as binary floats. :func:`scheme_from_dict` parses and validates a scheme and
raises :class:`villagevote.errors.ValidationError` listing every problem found; :func:`scheme_to_dict` writes it back.

Model (all weights and caps are data, editable by an administrator):

* criteria: each has a maximum (scores are entered from 0 to the maximum) and a weight. The weighted sum is divided by
  ``criteria_weights_must_sum_to`` when that is set (so weights 60/15/15/10 with a required sum of 100, or
  0.6/0.15/0.15/0.1 with a required sum of 1, both give a total on the criteria's own scale); when it is ``None`` the
  weights are plain multipliers (usually 1: each criterion's points simply add up).
* rater groups: with ``scope = per_group`` each group's raters are averaged separately and the group averages are
  combined with the group weights (which must sum to ``group_weights_must_sum_to``). A criterion may be scored by a
  subset of groups; it then needs its own group weights that sum as required — weights are never re-normalised
  silently.
* bonus and deduction items: points entered per candidate, each item capped, and optionally a cap on all bonuses /
  all deductions together.
* cut-off: a minimum total (``min_total``, "不低于") and/or the top N per post.
* rounding: only the final total is rounded, half-up, to ``places`` decimals. Scores are entered with at most
  ``entry_places`` decimals.
* tie rule: an ordered list of criteria; a tie on the total is broken by the higher score on the first criterion,
  then the next. Anything still tied at a cut-off waits for a recorded decision.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.resources import resource_path

METHOD_MEAN = "mean"
METHOD_TRIMMED = "trimmed_mean"
SCOPE_POOLED = "pooled"
SCOPE_PER_GROUP = "per_group"
ROUNDING_HALF_UP = "half_up"
FORMAT_VERSION = 1


def method_label(method: str) -> str:
    """Chinese label of an aggregation method."""
    if method == METHOD_TRIMMED:
        return tr("去掉一个最高分和一个最低分后平均")
    return tr("算术平均")


def scope_label(scope: str) -> str:
    """Chinese label of an aggregation scope."""
    if scope == SCOPE_PER_GROUP:
        return tr("按评委组分别计算，再按组权重加权")
    return tr("全体评委合并计算")


@dataclass(frozen=True)
class Level:
    """A named grade with a fixed score (e.g. 优秀 = 100); when a criterion has levels only these values are allowed."""

    label: str
    score: Decimal


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max: Decimal
    weight: Decimal
    groups: tuple[str, ...] | None = None
    group_weights: Mapping[str, Decimal] | None = None
    levels: tuple[Level, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class RaterGroup:
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class AdjustmentItem:
    """A bonus (加分) or deduction (扣分) item, capped per candidate."""

    code: str
    name: str
    cap: Decimal
    hint: str = ""


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    criteria: tuple[Criterion, ...]
    rater_groups: tuple[RaterGroup, ...]
    description: str = ""
    source: str = ""
    criteria_weights_must_sum_to: Decimal | None = None
    group_weights_must_sum_to: Decimal | None = Decimal(1)
    bonus_items: tuple[AdjustmentItem, ...] = ()
    bonus_total_cap: Decimal | None = None
    deduction_items: tuple[AdjustmentItem, ...] = ()
    deduction_total_cap: Decimal | None = None
    method: str = METHOD_MEAN
    scope: str = SCOPE_POOLED
    trim_min_raters: int = 3
    places: int = 2
    rounding: str = ROUNDING_HALF_UP
    entry_places: int = 2
    min_total: Decimal | None = None
    top_n_per_post: int | None = None
    tie_priority: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    # -- look-ups -------------------------------------------------------------------------------------------------
    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def group(self, code: str) -> RaterGroup:
        for g in self.rater_groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def bonus_item(self, code: str) -> AdjustmentItem:
        for b in self.bonus_items:
            if b.code == code:
                return b
        raise KeyError(code)

    def deduction_item(self, code: str) -> AdjustmentItem:
        for d in self.deduction_items:
            if d.code == code:
                return d
        raise KeyError(code)

    def groups_for(self, criterion: Criterion) -> tuple[str, ...]:
        """Codes of the rater groups that score ``criterion`` (all groups unless the criterion names some)."""
        if criterion.groups:
            return tuple(criterion.groups)
        return tuple(g.code for g in self.rater_groups)

    def group_weights_for(self, criterion: Criterion) -> dict[str, Decimal]:
        """Group weights used for ``criterion`` (its own, or the scheme's for the groups that score it)."""
        if criterion.group_weights:
            return dict(criterion.group_weights)
        return {code: self.group(code).weight for code in self.groups_for(criterion)}

    @property
    def criteria_divisor(self) -> Decimal:
        return self.criteria_weights_must_sum_to if self.criteria_weights_must_sum_to is not None else Decimal(1)

    @property
    def max_criteria_total(self) -> Decimal:
        """Largest possible weighted criteria total (without bonuses)."""
        return sum((c.max * c.weight for c in self.criteria), Decimal(0)) / self.criteria_divisor


# -- parsing ---------------------------------------------------------------------------------------------------------

def _dec(value: Any, where: str, problems: list[str], *, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        problems.append(tr("{where}：缺少数值").format(where=where))
        return None
    if isinstance(value, (bool, float)):
        problems.append(tr("{where}：数值须写成字符串（如 \"0.6\"），以免二进制小数误差").format(where=where))
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        problems.append(tr("{where}：“{value}”不是数字").format(where=where, value=value))
        return None
    if not d.is_finite():
        problems.append(tr("{where}：“{value}”不是有限数字").format(where=where, value=value))
        return None
    return d


def _int(value: Any, where: str, problems: list[str], *, allow_none: bool = False) -> int | None:
    if value is None or value == "":
        if allow_none:
            return None
        problems.append(tr("{where}：缺少整数").format(where=where))
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int):
            return value
        d = Decimal(str(value).strip())
        if d != d.to_integral_value():
            raise ValueError
        return int(d)
    except (ValueError, TypeError, InvalidOperation):
        problems.append(tr("{where}：“{value}”不是整数").format(where=where, value=value))
        return None


def _items(raw: Any, kind_label: str, problems: list[str]) -> tuple[AdjustmentItem, ...]:
    out: list[AdjustmentItem] = []
    for i, item in enumerate(raw or [], start=1):
        where = tr("{kind}第{n}项").format(kind=kind_label, n=i)
        if not isinstance(item, Mapping):
            problems.append(tr("{where}：格式不对").format(where=where))
            continue
        cap = _dec(item.get("cap"), where + tr("的上限"), problems)
        out.append(AdjustmentItem(code=str(item.get("code") or ""), name=str(item.get("name") or ""),
                                  cap=cap if cap is not None else Decimal(0), hint=str(item.get("hint") or "")))
    return tuple(out)


_KNOWN_KEYS = {
    "format", "code", "name", "description", "source", "criteria", "rater_groups", "criteria_weights_must_sum_to",
    "group_weights_must_sum_to", "bonus_items", "bonus_total_cap", "deduction_items", "deduction_total_cap",
    "aggregation", "rounding", "entry_places", "cutoff", "tie_rule",
}


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """Build and validate a scheme from its JSON form; raise ValidationError naming every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ValidationError(tr("评分方案格式不对：应为一个对象"))
    fmt = data.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        problems.append(tr("评分方案格式版本 {fmt} 不受支持（应为 1）").format(fmt=fmt))

    groups: list[RaterGroup] = []
    for i, g in enumerate(data.get("rater_groups") or [], start=1):
        where = tr("评委组第{n}组").format(n=i)
        if not isinstance(g, Mapping):
            problems.append(tr("{where}：格式不对").format(where=where))
            continue
        w = _dec(g.get("weight", "1"), where + tr("的权重"), problems)
        groups.append(RaterGroup(code=str(g.get("code") or ""), name=str(g.get("name") or ""),
                                 weight=w if w is not None else Decimal(0)))

    criteria: list[Criterion] = []
    for i, c in enumerate(data.get("criteria") or [], start=1):
        where = tr("评分项第{n}项").format(n=i)
        if not isinstance(c, Mapping):
            problems.append(tr("{where}：格式不对").format(where=where))
            continue
        mx = _dec(c.get("max"), where + tr("的满分"), problems)
        w = _dec(c.get("weight", "1"), where + tr("的权重"), problems)
        cg = c.get("groups")
        gw_raw = c.get("group_weights")
        gw: dict[str, Decimal] | None = None
        if gw_raw:
            gw = {}
            for gcode, gval in dict(gw_raw).items():
                d = _dec(gval, where + tr("的评委组“{g}”权重").format(g=gcode), problems)
                gw[str(gcode)] = d if d is not None else Decimal(0)
        levels: list[Level] = []
        for j, lv in enumerate(c.get("levels") or [], start=1):
            s = _dec(lv.get("score") if isinstance(lv, Mapping) else None,
                     where + tr("的第{n}个等次分值").format(n=j), problems)
            levels.append(Level(label=str(lv.get("label", "")) if isinstance(lv, Mapping) else "",
                                score=s if s is not None else Decimal(0)))
        criteria.append(Criterion(
            code=str(c.get("code") or ""), name=str(c.get("name") or ""),
            max=mx if mx is not None else Decimal(0), weight=w if w is not None else Decimal(0),
            groups=tuple(str(x) for x in cg) if cg else None, group_weights=gw, levels=tuple(levels),
            hint=str(c.get("hint") or "")))

    agg = data.get("aggregation") or {}
    rounding = data.get("rounding") or {}
    cutoff = data.get("cutoff") or {}
    tie_rule = data.get("tie_rule") or {}
    places = _int(rounding.get("places", 2), tr("保留小数位数"), problems)
    entry_places = _int(data.get("entry_places", 2), tr("录入小数位数"), problems)
    trim_min = _int(agg.get("trim_min_raters", 3), tr("去分所需最少评委数"), problems)
    top_n = _int(cutoff.get("top_n_per_post"), tr("每个职位前N名"), problems, allow_none=True)

    unknown = sorted(set(data) - _KNOWN_KEYS)
    scheme = Scheme(
        code=str(data.get("code") or ""),
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
        criteria=tuple(criteria),
        rater_groups=tuple(groups),
        criteria_weights_must_sum_to=_dec(data.get("criteria_weights_must_sum_to"), tr("评分项权重之和"), problems,
                                          allow_none=True),
        group_weights_must_sum_to=_dec(data.get("group_weights_must_sum_to", "1"), tr("评委组权重之和"), problems,
                                       allow_none=True),
        bonus_items=_items(data.get("bonus_items"), tr("加分项"), problems),
        bonus_total_cap=_dec(data.get("bonus_total_cap"), tr("加分总上限"), problems, allow_none=True),
        deduction_items=_items(data.get("deduction_items"), tr("扣分项"), problems),
        deduction_total_cap=_dec(data.get("deduction_total_cap"), tr("扣分总上限"), problems, allow_none=True),
        method=str(agg.get("method", METHOD_MEAN)),
        scope=str(agg.get("scope", SCOPE_POOLED)),
        trim_min_raters=trim_min if trim_min is not None else 3,
        places=places if places is not None else 2,
        rounding=str(rounding.get("mode", ROUNDING_HALF_UP)),
        entry_places=entry_places if entry_places is not None else 2,
        min_total=_dec(cutoff.get("min_total"), tr("最低总分"), problems, allow_none=True),
        top_n_per_post=top_n,
        tie_priority=tuple(str(x) for x in (tie_rule.get("priority_criteria") or [])),
        extra={k: data[k] for k in unknown},
    )
    problems.extend(scheme_problems(scheme))
    if unknown:
        problems.append(tr("评分方案含有不认识的字段：{keys}").format(keys="、".join(unknown)))
    if problems:
        raise ValidationError(tr("评分方案“{name}”有误：\n").format(name=scheme.name or scheme.code)
                              + "\n".join("· " + p for p in problems))
    return scheme


def scheme_problems(s: Scheme) -> list[str]:
    """Every rule the scheme breaks, in Chinese; an empty list means the scheme can be used."""
    p: list[str] = []
    _general_problems(s, p)
    _group_problems(s, p)
    if not s.criteria:
        p.append(tr("至少需要一个评分项"))
    _unique([c.code for c in s.criteria], tr("评分项代码"), p)
    for c in s.criteria:
        _criterion_problems(s, c, p)
    _weight_sum_problems(s, p)
    _adjustment_problems(s, p)
    _cutoff_problems(s, p)
    if s.min_total is not None and s.criteria and not p:
        ceiling = s.max_criteria_total + (s.bonus_total_cap if s.bonus_total_cap is not None
                                          else sum((b.cap for b in s.bonus_items), Decimal(0)))
        if s.min_total > ceiling:
            p.append(tr("最低总分 {m} 高于可能的最高总分 {c}").format(m=_plain(s.min_total), c=_plain(ceiling)))
    return p


def _general_problems(s: Scheme, p: list[str]) -> None:
    """Code, name, method, scope, rounding and decimals."""
    if not s.code.strip():
        p.append(tr("缺少方案代码"))
    if not s.name.strip():
        p.append(tr("缺少方案名称"))
    if s.method not in (METHOD_MEAN, METHOD_TRIMMED):
        p.append(tr("计分方法“{m}”不认识（应为 mean 或 trimmed_mean）").format(m=s.method))
    if s.scope not in (SCOPE_POOLED, SCOPE_PER_GROUP):
        p.append(tr("计分范围“{m}”不认识（应为 pooled 或 per_group）").format(m=s.scope))
    if s.rounding != ROUNDING_HALF_UP:
        p.append(tr("舍入方式“{m}”不受支持（只支持 half_up 四舍五入）").format(m=s.rounding))
    if not 0 <= s.places <= 4:
        p.append(tr("保留小数位数应在 0 到 4 之间，现为 {n}").format(n=s.places))
    if not 0 <= s.entry_places <= 3:
        p.append(tr("录入小数位数应在 0 到 3 之间，现为 {n}").format(n=s.entry_places))
    if s.trim_min_raters < 3:
        p.append(tr("去掉最高最低分至少需要 3 位评委，方案写的是 {n}").format(n=s.trim_min_raters))


def _group_problems(s: Scheme, p: list[str]) -> None:
    if not s.rater_groups:
        p.append(tr("至少需要一个评委组"))
    _unique([g.code for g in s.rater_groups], tr("评委组代码"), p)
    for g in s.rater_groups:
        if not g.code.strip() or not g.name.strip():
            p.append(tr("评委组缺少代码或名称"))
        if g.weight < 0:
            p.append(tr("评委组“{g}”的权重不能为负数：{w}").format(g=g.name, w=g.weight))


def _criterion_problems(s: Scheme, c: Criterion, p: list[str]) -> None:
    """One criterion: code and name, maximum, weights, its rater groups and grades."""
    group_codes = {g.code for g in s.rater_groups}
    label = c.name or c.code
    if not c.code.strip() or not c.name.strip():
        p.append(tr("评分项缺少代码或名称"))
    if c.max <= 0:
        p.append(tr("评分项“{c}”的满分应大于 0，现为 {v}").format(c=label, v=c.max))
    if c.weight < 0:
        p.append(tr("评分项“{c}”的权重不能为负数：{v}").format(c=label, v=c.weight))
    for gcode in c.groups or ():
        if gcode not in group_codes:
            p.append(tr("评分项“{c}”指定的评委组“{g}”不存在").format(c=label, g=gcode))
    if c.group_weights:
        extra = set(c.group_weights) - set(s.groups_for(c))
        missing = set(s.groups_for(c)) - set(c.group_weights)
        if extra or missing:
            p.append(tr("评分项“{c}”的组权重应恰好覆盖评分的评委组（{groups}）").format(
                c=label, groups="、".join(s.groups_for(c))))
        for gcode, w in c.group_weights.items():
            if w < 0:
                p.append(tr("评分项“{c}”中评委组“{g}”的权重不能为负数").format(c=label, g=gcode))
    for lv in c.levels:
        if not 0 <= lv.score <= c.max:
            p.append(tr("评分项“{c}”的等次“{l}”分值 {v} 超出 0～{m}").format(
                c=label, l=lv.label, v=lv.score, m=c.max))
    if s.scope == SCOPE_PER_GROUP and s.group_weights_must_sum_to is not None \
            and set(s.groups_for(c)) <= group_codes:
        total = sum(s.group_weights_for(c).values(), Decimal(0))
        if total != s.group_weights_must_sum_to:
            p.append(tr("评分项“{c}”所用评委组权重之和为 {t}，方案要求等于 {r}").format(
                c=label, t=_plain(total), r=_plain(s.group_weights_must_sum_to)))


def _weight_sum_problems(s: Scheme, p: list[str]) -> None:
    if s.criteria_weights_must_sum_to is not None:
        if s.criteria_weights_must_sum_to <= 0:
            p.append(tr("评分项权重之和的要求值应大于 0"))
        total = sum((c.weight for c in s.criteria), Decimal(0))
        if total != s.criteria_weights_must_sum_to:
            p.append(tr("评分项权重之和为 {t}，方案要求等于 {r}").format(
                t=_plain(total), r=_plain(s.criteria_weights_must_sum_to)))
    if s.group_weights_must_sum_to is not None and s.group_weights_must_sum_to <= 0:
        p.append(tr("评委组权重之和的要求值应大于 0"))
    if s.scope == SCOPE_PER_GROUP and s.group_weights_must_sum_to is None:
        p.append(tr("按评委组加权计算时必须规定组权重之和（如 1 或 100）"))


def _adjustment_problems(s: Scheme, p: list[str]) -> None:
    """Bonus and deduction items and their caps."""
    for items, total_cap, kind in ((s.bonus_items, s.bonus_total_cap, tr("加分项")),
                                   (s.deduction_items, s.deduction_total_cap, tr("扣分项"))):
        _unique([i.code for i in items], kind + tr("代码"), p)
        for it in items:
            if not it.code.strip() or not it.name.strip():
                p.append(tr("{kind}缺少代码或名称").format(kind=kind))
            if it.cap < 0:
                p.append(tr("{kind}“{i}”的上限不能为负数：{v}").format(kind=kind, i=it.name, v=it.cap))
        if total_cap is not None and total_cap < 0:
            p.append(tr("{kind}总上限不能为负数：{v}").format(kind=kind, v=total_cap))
    all_adj = [i.code for i in s.bonus_items] + [i.code for i in s.deduction_items]
    if len(set(all_adj)) != len(all_adj):
        p.append(tr("加分项与扣分项的代码不能重复"))


def _cutoff_problems(s: Scheme, p: list[str]) -> None:
    """The cut-off (minimum total, top N per post) and the tie rule."""
    if s.min_total is None and s.top_n_per_post is None:
        p.append(tr("须规定入围条件：最低总分，或每个职位前 N 名，或两者"))
    if s.min_total is not None and s.min_total < 0:
        p.append(tr("最低总分不能为负数：{v}").format(v=s.min_total))
    if s.top_n_per_post is not None and s.top_n_per_post < 1:
        p.append(tr("每个职位前 N 名中的 N 应至少为 1，现为 {n}").format(n=s.top_n_per_post))
    crit_codes = {c.code for c in s.criteria}
    for code in s.tie_priority:
        if code not in crit_codes:
            p.append(tr("同分规则中的评分项“{c}”不存在").format(c=code))
    if len(set(s.tie_priority)) != len(s.tie_priority):
        p.append(tr("同分规则中的评分项不能重复"))


def validate_scheme(s: Scheme) -> None:
    """Raise ValidationError if the scheme breaks any rule."""
    problems = scheme_problems(s)
    if problems:
        raise ValidationError(tr("评分方案“{name}”有误：\n").format(name=s.name or s.code)
                              + "\n".join("· " + x for x in problems))


def _unique(codes: list[str], label: str, p: list[str]) -> None:
    seen: set[str] = set()
    for c in codes:
        if c in seen:
            p.append(tr("{label}“{c}”重复").format(label=label, c=c))
        seen.add(c)


def _plain(d: Decimal) -> str:
    """Decimal without exponent or trailing zeros ("60", "0.6")."""
    s = format(d.normalize(), "f")
    return s


def _s(d: Decimal | None) -> str | None:
    return None if d is None else _plain(d)


def scheme_to_dict(s: Scheme) -> dict[str, Any]:
    """JSON-ready form of a scheme (numbers as strings); ``scheme_from_dict(scheme_to_dict(s)) == s``."""
    out: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "code": s.code,
        "name": s.name,
        "description": s.description,
        "source": s.source,
        "criteria_weights_must_sum_to": _s(s.criteria_weights_must_sum_to),
        "group_weights_must_sum_to": _s(s.group_weights_must_sum_to),
        "rater_groups": [{"code": g.code, "name": g.name, "weight": _plain(g.weight)} for g in s.rater_groups],
        "criteria": [],
        "bonus_items": [{"code": i.code, "name": i.name, "cap": _plain(i.cap), "hint": i.hint} for i in s.bonus_items],
        "bonus_total_cap": _s(s.bonus_total_cap),
        "deduction_items": [{"code": i.code, "name": i.name, "cap": _plain(i.cap), "hint": i.hint}
                            for i in s.deduction_items],
        "deduction_total_cap": _s(s.deduction_total_cap),
        "aggregation": {"method": s.method, "scope": s.scope, "trim_min_raters": s.trim_min_raters},
        "rounding": {"places": s.places, "mode": s.rounding},
        "entry_places": s.entry_places,
        "cutoff": {"min_total": _s(s.min_total), "top_n_per_post": s.top_n_per_post},
        "tie_rule": {"priority_criteria": list(s.tie_priority)},
    }
    for c in s.criteria:
        cd: dict[str, Any] = {"code": c.code, "name": c.name, "max": _plain(c.max), "weight": _plain(c.weight)}
        if c.groups:
            cd["groups"] = list(c.groups)
        if c.group_weights:
            cd["group_weights"] = {k: _plain(v) for k, v in c.group_weights.items()}
        if c.levels:
            cd["levels"] = [{"label": lv.label, "score": _plain(lv.score)} for lv in c.levels]
        if c.hint:
            cd["hint"] = c.hint
        out["criteria"].append(cd)
    out.update(dict(s.extra))
    return out


def scheme_from_json(text: str) -> Scheme:
    """Parse a scheme from JSON text (numbers become Decimal)."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(tr("评分方案文件不是有效的 JSON：第 {line} 行第 {col} 列").format(
            line=exc.lineno, col=exc.colno)) from exc
    return scheme_from_dict(data)


def scheme_to_json(s: Scheme) -> str:
    return json.dumps(scheme_to_dict(s), ensure_ascii=False, indent=2)


def example_schemes_dir() -> Path:
    """Folder of the example schemes shipped with the application."""
    return resource_path("scoring_schemes")


def load_example_schemes() -> list[Scheme]:
    """All example schemes shipped under resources/scoring_schemes, in file-name order."""
    out = []
    for path in sorted(example_schemes_dir().glob("*.json")):
        out.append(scheme_from_json(path.read_text(encoding="utf-8")))
    return out
