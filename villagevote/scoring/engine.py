"""Aggregation, ranking, cut-off and tie handling for performance-based selection (实绩比选). Pure, no database, no Qt.

Numbers: every score, weight, cap and total that enters or leaves this module is a :class:`~decimal.Decimal` (or an
``int`` count). Inside, averages are kept as exact fractions (:class:`fractions.Fraction`, built exactly from the
Decimals) and only the final total is rounded — half-up, to the scheme's places — by :func:`round_half_up`. A mean
such as 260/3 is therefore never cut to 28 digits and then summed with another cut value: a total whose exact value is
79.995 rounds to 80.00 and one whose exact value is 79.99499… rounds to 79.99, which is what decides a cut-off.

What the engine guarantees:

* trimmed mean drops one highest and one lowest score per criterion (per group when the scheme aggregates per group)
  only with at least ``trim_min_raters`` (≥ 3) scores; with fewer it takes the plain mean and says so;
* a recused rater's scores for that candidate are excluded (and a score from a recused rater is refused);
* bonuses and deductions are capped per item and in total, before and after shown;
* ties on the (rounded) total are detected everywhere; the scheme's tie rule is applied; whatever is still tied across
  a top-N boundary is reported as waiting for a recorded decision — never settled by sort order;
* every candidate gets a breakdown in Chinese explaining every number.

The data it works on is in :mod:`villagevote.scoring.records`; numbers and double entry in
:mod:`villagevote.scoring.values`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.scoring.records import (
    OUTCOME_FAIL,
    OUTCOME_INCOMPLETE,
    OUTCOME_PASS,
    OUTCOME_PENDING,
    OUTCOME_TIE_PENDING,
    TIE_OPEN,
    TIE_RESOLVED_BY_DECISION,
    TIE_RESOLVED_BY_RULE,
    Adjustment,
    AdjustmentDetail,
    Candidate,
    CandidateResult,
    CriterionDetail,
    Id,
    Rater,
    Recusal,
    Results,
    Sheet,
    TieDecision,
    TieGroup,
    UnitDetail,
    outcome_label,
)
from villagevote.scoring.scheme import (
    METHOD_TRIMMED,
    SCOPE_PER_GROUP,
    Scheme,
)
from villagevote.scoring.values import (
    check_score,
    fmt_num,
    round_half_up,
)
from villagevote.scoring.values import (
    decimal_text as _d,
)

# -- aggregation -----------------------------------------------------------------------------------------------------

def _aggregate_unit(scheme: Scheme, unit: UnitDetail, order: list[tuple[str, Decimal]]) -> None:
    """Fill ``kept``/``dropped_*``/``mean`` for one unit from its (rater name, value) list."""
    unit.values = list(order)
    values = [v for _, v in order]
    if not values:
        unit.kept = []
        unit.mean = None
        return
    if scheme.method == METHOD_TRIMMED and len(values) >= scheme.trim_min_raters:
        hi_i = max(range(len(order)), key=lambda i: (order[i][1], -i))
        lo_i = min(range(len(order)), key=lambda i: (order[i][1], i))
        if lo_i == hi_i:  # all equal: drop two different entries
            lo_i = (hi_i + 1) % len(order)
        unit.dropped_high = order[hi_i]
        unit.dropped_low = order[lo_i]
        unit.kept = [v for i, (_, v) in enumerate(order) if i not in (hi_i, lo_i)]
    else:
        unit.fallback_to_mean = scheme.method == METHOD_TRIMMED
        unit.kept = list(values)
    unit.mean = sum((Fraction(v) for v in unit.kept), Fraction(0)) / len(unit.kept)


def _unit_text(scheme: Scheme, u: UnitDetail, anonymous: bool = False) -> str:
    head = u.group_name
    if u.weight is not None:
        head += tr("（组权重 {w}）").format(w=_d(u.weight))
    if not u.values:
        return head + tr("：无有效评分")
    vals = "、".join(_d(v) for _, v in u.values)
    text = head + tr("：{n} 位评委评分 {vals}").format(n=len(u.values), vals=vals)
    kept_sum = "+".join(_d(v) for v in u.kept)
    if u.dropped_high is not None and u.dropped_low is not None and anonymous:  # no rater beside a dropped score
        text += tr("；去掉一个最高分 {h} 和一个最低分 {l}，其余 {k} 个平均 = ({sum})÷{k} = {m}").format(
            h=_d(u.dropped_high[1]), l=_d(u.dropped_low[1]), k=len(u.kept), sum=kept_sum, m=fmt_num(u.mean))
    elif u.dropped_high is not None and u.dropped_low is not None:
        same_hi = sum(1 for _, v in u.values if v == u.dropped_high[1]) > 1
        same_lo = sum(1 for _, v in u.values if v == u.dropped_low[1]) > 1
        text += tr("；去掉一个最高分 {h}（{hn}{hs}）和一个最低分 {l}（{ln}{ls}），其余 {k} 个平均 = ({sum})÷{k} = {m}").format(
            h=_d(u.dropped_high[1]), hn=u.dropped_high[0], hs=tr("，同分者任去其一，结果相同") if same_hi else "",
            l=_d(u.dropped_low[1]), ln=u.dropped_low[0], ls=tr("，同分者任去其一，结果相同") if same_lo else "",
            k=len(u.kept), sum=kept_sum, m=fmt_num(u.mean))
    elif u.fallback_to_mean:
        text += tr("；评委不足 {n} 人，不去掉最高分和最低分，直接平均 = ({sum})÷{k} = {m}").format(
            n=scheme.trim_min_raters, sum=kept_sum, k=len(u.kept), m=fmt_num(u.mean))
    else:
        text += tr("；平均 = ({sum})÷{k} = {m}").format(sum=kept_sum, k=len(u.kept), m=fmt_num(u.mean))
    return text


def _validate_inputs(scheme: Scheme, candidates: Sequence[Candidate], raters: Sequence[Rater],
                     sheets: Mapping[Id, Sheet], recusals: Iterable[Recusal],
                     adjustments: Iterable[Adjustment]) -> None:
    cand_ids = {c.id for c in candidates}
    if len(cand_ids) != len(candidates):
        raise ValidationError(tr("人选名单中有重复的人选"))
    rater_by_id = {r.id: r for r in raters}
    if len(rater_by_id) != len(raters):
        raise ValidationError(tr("评委名单中有重复的评委"))
    group_codes = {g.code for g in scheme.rater_groups}
    for r in raters:
        if r.group not in group_codes:
            raise ValidationError(tr("评委“{r}”所在的评委组“{g}”不在方案“{s}”中").format(
                r=r.name, g=r.group, s=scheme.name))
    recused = {(x.rater_id, x.candidate_id) for x in recusals}
    crit_by_code = {c.code: c for c in scheme.criteria}
    cand_name = {c.id: c.name for c in candidates}
    for rater_id, sheet in sheets.items():
        rater = rater_by_id.get(rater_id)
        if rater is None:
            raise ValidationError(tr("评分表属于未登记的评委（{r}）").format(r=rater_id))
        for (cid, code), value in sheet.items():
            if cid not in cand_ids:
                raise ValidationError(tr("评委“{r}”的评分表中有不在名单上的人选（{c}）").format(r=rater.name, c=cid))
            crit = crit_by_code.get(code)
            if crit is None:
                raise ValidationError(tr("评委“{r}”的评分表中有方案没有的评分项（{c}）").format(r=rater.name, c=code))
            if value is None:
                continue
            where = tr("评委“{r}”对“{c}”").format(r=rater.name, c=cand_name[cid])
            if (rater_id, cid) in recused:
                raise ValidationError(tr("{where}：该评委已回避此人选，不能评分").format(where=where))
            if rater.group not in scheme.groups_for(crit):
                raise ValidationError(tr("{where}“{crit}”：评委组“{g}”不评此项").format(
                    where=where, crit=crit.name, g=scheme.group(rater.group).name))
            check_score(value, crit, scheme.entry_places, where=where)
    bonus_codes = {b.code for b in scheme.bonus_items}
    ded_codes = {d.code for d in scheme.deduction_items}
    for a in adjustments:
        if a.candidate_id not in cand_ids:
            raise ValidationError(tr("加扣分记录中的人选（{c}）不在名单上").format(c=a.candidate_id))
        if a.item_code not in bonus_codes | ded_codes:
            raise ValidationError(tr("“{c}”的加扣分项“{i}”不在方案中").format(c=cand_name[a.candidate_id], i=a.item_code))
        if a.points < 0:
            raise ValidationError(tr("“{c}”的加扣分项“{i}”分值不能为负数（扣分也按正数录入）").format(
                c=cand_name[a.candidate_id], i=a.item_code))


def _adjust(items: Sequence, total_cap: Decimal | None, entries: list[Adjustment]) -> tuple:
    details: list[AdjustmentDetail] = []
    entered_total = Decimal(0)
    items_sum = Decimal(0)
    for item in items:
        mine = [a for a in entries if a.item_code == item.code]
        entered = sum((a.points for a in mine), Decimal(0))
        counted = min(entered, item.cap)
        entered_total += entered
        items_sum += counted
        details.append(AdjustmentDetail(code=item.code, name=item.name, cap=item.cap, entered=entered,
                                        counted=counted, notes=[a.note for a in mine if a.note]))
    counted_total = items_sum if total_cap is None else min(items_sum, total_cap)
    return details, entered_total, items_sum, counted_total


def _adjust_text(kind: str, details: list[AdjustmentDetail], items_sum: Decimal, counted: Decimal,
                 total_cap: Decimal | None) -> str:
    used = [d for d in details if d.entered != 0]
    if not used:
        return tr("{kind}：无").format(kind=kind)
    parts = []
    for d in used:
        note = tr("（{n}）").format(n="；".join(d.notes)) if d.notes else ""
        if d.entered > d.cap:
            parts.append(tr("{name}{note} 录入 {e}，超过上限 {c}，计 {k}").format(
                name=d.name, note=note, e=_d(d.entered), c=_d(d.cap), k=_d(d.counted)))
        else:
            parts.append(tr("{name}{note} 录入 {e}（上限 {c}），计 {k}").format(
                name=d.name, note=note, e=_d(d.entered), c=_d(d.cap), k=_d(d.counted)))
    text = tr("{kind}：").format(kind=kind) + "；".join(parts)
    if total_cap is None:
        text += tr("；{kind}合计 {s}").format(kind=kind, s=_d(items_sum))
    elif items_sum > total_cap:
        text += tr("；{kind}合计 {s}，超过{kind}总上限 {c}，计 {k}").format(
            kind=kind, s=_d(items_sum), c=_d(total_cap), k=_d(counted))
    else:
        text += tr("；{kind}合计 {s}（总上限 {c}），计 {k}").format(kind=kind, s=_d(items_sum), c=_d(total_cap),
                                                               k=_d(counted))
    return text


def _score_candidate(scheme: Scheme, cand: Candidate, raters: Sequence[Rater], sheets: Mapping[Id, Sheet],
                     recusal_reason: Mapping[tuple[Id, Id], str], adjustments: list[Adjustment],
                     anonymous: bool = False, dropped_named: bool = True) -> CandidateResult:
    """Score one candidate. ``anonymous``: the breakdown names no rater and no recusal relationship (the lines of
    the public summary); ``dropped_named=False``: no rater beside a dropped score (the internal copy). The figures
    are the same."""
    problems: list[str] = []
    lines: list[str] = []
    details: list[CriterionDetail] = []
    group_name = {g.code: g.name for g in scheme.rater_groups}
    divisor = scheme.criteria_divisor
    for crit in scheme.criteria:
        groups = scheme.groups_for(crit)
        eligible = [r for r in raters if r.group in groups and r.id in sheets]
        if scheme.scope == SCOPE_PER_GROUP:
            weights = scheme.group_weights_for(crit)
            unit_keys: list[str | None] = list(groups)
        else:
            weights = {}
            unit_keys = [None]
        units: list[UnitDetail] = []
        missing: list[str] = []
        for key in unit_keys:
            members = [r for r in eligible if key is None or r.group == key]
            name = group_name[key] if key is not None else (
                tr("全体评委") if len(groups) == len(scheme.rater_groups)
                else tr("评委（{g}）").format(g="、".join(group_name[g] for g in groups)))
            unit = UnitDetail(group_code=key, group_name=name, weight=weights.get(key) if key else None,
                              values=[], kept=[])
            order: list[tuple[str, Decimal]] = []
            for r in members:
                reason = recusal_reason.get((r.id, cand.id))
                if reason is not None:
                    unit.recused.append((r.name, reason))
                    continue
                value = sheets[r.id].get((cand.id, crit.code))
                if value is None:
                    missing.append(tr("一位评委的“{c}”评分为空").format(c=crit.name) if anonymous
                                   else tr("评委“{r}”的“{c}”评分为空").format(r=r.name, c=crit.name))
                    continue
                order.append((r.name, value))
            _aggregate_unit(scheme, unit, order)
            if unit.mean is None and not missing:
                missing.append(tr("“{c}”在{g}中没有有效评分").format(c=crit.name, g=name))
            units.append(unit)
        score: Fraction | None = None
        contribution: Fraction | None = None
        if not missing:
            means = [(u.weight or Decimal(0), u.mean) for u in units if u.mean is not None]  # all of them: none missing
            if scheme.scope == SCOPE_PER_GROUP:
                gsum = scheme.group_weights_must_sum_to or Decimal(1)
                score = sum((Fraction(w) * m for w, m in means), Fraction(0)) / Fraction(gsum)
            else:
                score = means[0][1]
            contribution = score * Fraction(crit.weight) / Fraction(divisor)
        problems.extend(missing)
        details.append(CriterionDetail(code=crit.code, name=crit.name, max=crit.max, weight=crit.weight, units=units,
                                       score=score, contribution=contribution, missing=missing))

        # explanation
        lines.append(tr("【{c}】满分 {m}，权重 {w}").format(c=crit.name, m=_d(crit.max), w=_d(crit.weight)))
        for u in units:
            lines.append("  " + _unit_text(scheme, u, anonymous or not dropped_named))
            if anonymous and u.recused:
                lines.append("  " + tr("  {n} 位评委依规回避，其评分不计入").format(n=len(u.recused)))
            for rname, reason in ([] if anonymous else u.recused):
                lines.append("  " + tr("  {r} 回避（{why}），其评分不计入").format(r=rname, why=reason))
        for m in missing:
            lines.append("  " + tr("缺：{m}").format(m=m))
        if score is not None:
            if scheme.scope == SCOPE_PER_GROUP and len(units) > 1:
                terms = " + ".join(f"{fmt_num(u.mean)}×{_d(u.weight)}" for u in units)
                lines.append("  " + tr("本项得分 = ({terms})÷{s} = {v}").format(
                    terms=terms, s=_d(scheme.group_weights_must_sum_to or Decimal(1)), v=fmt_num(score)))
            else:
                lines.append("  " + tr("本项得分 = {v}").format(v=fmt_num(score)))
            if divisor != 1:
                lines.append("  " + tr("计入总分 = {v}×{w}÷{s} = {c}").format(
                    v=fmt_num(score), w=_d(crit.weight), s=_d(divisor), c=fmt_num(contribution)))
            elif crit.weight != 1:
                lines.append("  " + tr("计入总分 = {v}×{w} = {c}").format(
                    v=fmt_num(score), w=_d(crit.weight), c=fmt_num(contribution)))
            else:
                lines.append("  " + tr("计入总分 = {c}").format(c=fmt_num(contribution)))

    mine = [a for a in adjustments if a.candidate_id == cand.id]
    b_det, b_entered, b_sum, b_counted = _adjust(scheme.bonus_items, scheme.bonus_total_cap, mine)
    d_det, d_entered, d_sum, d_counted = _adjust(scheme.deduction_items, scheme.deduction_total_cap, mine)
    if scheme.bonus_items:
        lines.append(_adjust_text(tr("加分"), b_det, b_sum, b_counted, scheme.bonus_total_cap))
    if scheme.deduction_items:
        lines.append(_adjust_text(tr("扣分"), d_det, d_sum, d_counted, scheme.deduction_total_cap))

    criteria_total: Fraction | None = None
    total_exact: Fraction | None = None
    total: Decimal | None = None
    if not problems:
        criteria_total = sum((d.contribution for d in details if d.contribution is not None), Fraction(0))
        total_exact = criteria_total + Fraction(b_counted) - Fraction(d_counted)
        total = round_half_up(total_exact, scheme.places)
        if len(details) > 1:
            lines.append(tr("评分项合计 = {terms} = {v}").format(
                terms=" + ".join(fmt_num(d.contribution) for d in details), v=fmt_num(criteria_total)))
        if scheme.bonus_items or scheme.deduction_items:
            lines.append(tr("总分 = {c} + 加分 {b} − 扣分 {d} = {t}").format(
                c=fmt_num(criteria_total), b=_d(b_counted), d=_d(d_counted), t=fmt_num(total_exact)))
        else:
            lines.append(tr("总分 = {t}").format(t=fmt_num(total_exact)))
        lines.append(tr("按四舍五入保留 {p} 位小数：{exact} → {t}").format(
            p=scheme.places, exact=fmt_num(total_exact, 8), t=format(total, "f")))
    else:
        lines.append(tr("评分未完成，暂不计算总分"))
    return CandidateResult(
        candidate=cand, criteria=details, bonuses=b_det, bonus_entered=b_entered, bonus_items_sum=b_sum,
        bonus_counted=b_counted, deductions=d_det, deduction_entered=d_entered, deduction_items_sum=d_sum,
        deduction_counted=d_counted, criteria_total=criteria_total, total_exact=total_exact, total=total,
        problems=problems, lines=lines)


# -- ranking ---------------------------------------------------------------------------------------------------------

def _crit_key(r: CandidateResult, code: str, places: int) -> Decimal:
    score = r.criterion(code).score
    assert score is not None
    return round_half_up(score, places)


def _split_by_rule(scheme: Scheme, block: list[CandidateResult]) -> tuple[list[list[CandidateResult]], list[str]]:
    """Split a tied block by the scheme's priority criteria (each compared rounded to the scheme's places)."""
    steps: list[str] = []
    blocks = [block]
    for code in scheme.tie_priority:
        if all(len(b) == 1 for b in blocks):
            break
        crit = scheme.criterion(code)
        new_blocks: list[list[CandidateResult]] = []
        for b in blocks:
            if len(b) == 1:
                new_blocks.append(b)
                continue
            keyed = sorted(b, key=lambda r: _crit_key(r, code, scheme.places), reverse=True)
            parts: list[list[CandidateResult]] = []
            for r in keyed:
                if parts and _crit_key(parts[-1][0], code, scheme.places) == _crit_key(r, code, scheme.places):
                    parts[-1].append(r)
                else:
                    parts.append([r])
            if len(parts) > 1:
                steps.append(tr("按“{c}”得分比较：{vals}").format(c=crit.name, vals=" > ".join(
                    " = ".join(f"{r.candidate.name} {format(_crit_key(r, code, scheme.places), 'f')}" for r in p)
                    for p in parts)))
            else:
                steps.append(tr("“{c}”得分相同（{v}），不能区分").format(
                    c=crit.name, v=format(_crit_key(b[0], code, scheme.places), "f")))
            new_blocks.extend(parts)
        blocks = new_blocks
    return blocks, steps


def _names(rs: Iterable[CandidateResult]) -> str:
    return "、".join(r.candidate.name for r in rs)


def compute_results(scheme: Scheme, candidates: Sequence[Candidate], raters: Sequence[Rater],
                    sheets: Mapping[Id, Sheet], recusals: Iterable[Recusal] = (),
                    adjustments: Iterable[Adjustment] = (), decisions: Iterable[TieDecision] = (),
                    post_labels: Mapping[str, str] | None = None) -> Results:
    """Aggregate, total, rank, apply the cut-off and the tie rule.

    ``sheets`` holds only the sheets that count (entered, and agreed when entered twice); raters without a sheet are
    listed in ``Results.notes`` and left out. Raises ValidationError for inconsistent input (a recused rater's score,
    a score above the maximum, an unknown item …). ``post_labels`` gives the text used for a post in the notes
    (e.g. "上塘村 村党组织 书记" for the post key "5:书记").
    """
    recusals = list(recusals)
    adjustments = list(adjustments)
    decisions = list(decisions)
    _validate_inputs(scheme, candidates, raters, sheets, recusals, adjustments)
    recusal_reason = {(x.rater_id, x.candidate_id): x.reason for x in recusals}
    notes: list[str] = []
    public_notes: list[str] = []
    no_sheet = [r for r in raters if r.id not in sheets]
    if no_sheet:
        notes.append(tr("以下评委的评分表尚未录入（或两次录入尚未一致），未计入：{names}").format(
            names="、".join(r.name for r in no_sheet)))
        public_notes.append(tr("有 {n} 位评委的评分表尚未录入（或两次录入尚未一致），未计入").format(n=len(no_sheet)))
    notes.append(tr("计分方法：{m}；{s}。中间结果按精确值计算，只对总分四舍五入保留 {p} 位小数；"
                    "排名、同分和入围都按舍入后的总分比较。").format(
        m=_method_text(scheme), s=_scope_text(scheme), p=scheme.places))

    public_notes.append(notes[-1])
    results = [_score_candidate(scheme, c, raters, sheets, recusal_reason, adjustments) for c in candidates]
    for r in results:
        r.public_lines = _score_candidate(scheme, r.candidate, raters, sheets, recusal_reason, adjustments,
                                          anonymous=True).lines
        r.internal_lines = _score_candidate(scheme, r.candidate, raters, sheets, recusal_reason, adjustments,
                                            dropped_named=False).lines
    ties: list[TieGroup] = []
    posts: list[str] = []
    for c in candidates:
        if c.post not in posts:
            posts.append(c.post)
    for post in posts:
        in_post = [r for r in results if r.candidate.post == post]
        ties.extend(_rank_post(scheme, post, in_post, decisions, (post_labels or {}).get(post, post)))
    # present in rank order per post; incomplete at the end of their post
    order = {p: i for i, p in enumerate(posts)}
    results.sort(key=lambda r: (order[r.candidate.post], r.rank is None, r.rank or 0))
    return Results(scheme=scheme, candidates=results, ties=ties, notes=notes, public_notes=public_notes)


def _method_text(scheme: Scheme) -> str:
    if scheme.method == METHOD_TRIMMED:
        return tr("每个评分项去掉一个最高分和一个最低分后取平均（评委不少于 {n} 人时；不足时直接平均）").format(
            n=scheme.trim_min_raters)
    return tr("每个评分项取评委平均分")


def _scope_text(scheme: Scheme) -> str:
    if scheme.scope == SCOPE_PER_GROUP:
        return tr("先在各评委组内计算，再按组权重加权")
    return tr("全体评委合并计算")


def _rank_post(scheme: Scheme, post: str, rs: list[CandidateResult],
               decisions: list[TieDecision], label: str) -> list[TieGroup]:
    post_label = label or tr("（未分职位）")
    complete = [r for r in rs if r.complete]
    incomplete = [r for r in rs if not r.complete]
    for r in incomplete:
        r.outcome = OUTCOME_INCOMPLETE
        r.outcome_reason = tr("评分未完成：{p}").format(p="；".join(r.problems))

    # blocks of equal rounded totals, best first
    complete.sort(key=lambda r: r.total, reverse=True)  # type: ignore[arg-type,return-value]
    equal_blocks: list[list[CandidateResult]] = []
    for r in complete:
        if equal_blocks and equal_blocks[-1][0].total == r.total:
            equal_blocks[-1].append(r)
        else:
            equal_blocks.append([r])

    final_blocks: list[list[CandidateResult]] = []
    tie_groups: list[tuple[TieGroup, list[list[CandidateResult]]]] = []
    for block in equal_blocks:
        if len(block) == 1:
            final_blocks.append(block)
            continue
        parts, steps = _split_by_rule(scheme, block)
        resolved: list[list[CandidateResult]] = []
        used_decision = False
        for part in parts:
            if len(part) == 1:
                resolved.append(part)
                continue
            dec = _find_decision(decisions, post, part)
            if dec is not None:
                by_id = {r.candidate.id: r for r in part}
                resolved.extend([[by_id[i]] for i in dec.order])
                used_decision = True
                steps.append(tr("{names} 仍并列，按记录的决定排序：{order}（{why}{who}）").format(
                    names=_names(part), order=" > ".join(by_id[i].candidate.name for i in dec.order),
                    why=dec.reason, who=tr("；决定人 {w}").format(w=dec.decided_by) if dec.decided_by else ""))
            else:
                resolved.append(part)
                steps.append(tr("{names} 同分规则未能区分，仍并列").format(names=_names(part)))
        if not scheme.tie_priority:
            steps.insert(0, tr("方案未规定同分规则"))
        open_parts = [p for p in resolved if len(p) > 1]
        status = TIE_OPEN if open_parts else (TIE_RESOLVED_BY_DECISION if used_decision else TIE_RESOLVED_BY_RULE)
        tg = TieGroup(post=post, candidate_ids=[r.candidate.id for r in block], total=block[0].total,  # type: ignore[arg-type]  # a ranked block has totals
                      at_cutoff=False, status=status,
                      note=tr("{post}：{names} 总分同为 {t}。").format(
                          post=post_label, names=_names(block), t=format(block[0].total, "f")) + "；".join(steps),
                      open_ids=[r.candidate.id for p in open_parts for r in p])
        tie_groups.append((tg, resolved))
        final_blocks.extend(resolved)

    # ranks (shared within an unresolved block), cut-off
    n = scheme.top_n_per_post
    pos = 0
    block_of: dict[Id, tuple[int, int, list[CandidateResult]]] = {}
    for block in final_blocks:
        start, end = pos + 1, pos + len(block)
        for r in block:
            r.rank = start
            r.shared_rank = len(block) > 1
            block_of[r.candidate.id] = (start, end, block)
        pos = end
    for block in final_blocks:
        start, end, _ = block_of[block[0].candidate.id]
        for r in block:
            _decide(scheme, r, start, end, block, n, bool(incomplete))

    # a tie is "at a cut-off" when its equal-total members span the top-N boundary
    for tg, resolved in tie_groups:
        members = [r for p in resolved for r in p]
        first = block_of[members[0].candidate.id][0]
        last = block_of[members[-1].candidate.id][1]
        eligible = scheme.min_total is None or tg.total >= scheme.min_total
        tg.at_cutoff = n is not None and eligible and first <= n < last
        if tg.at_cutoff:
            tg.note += tr("（处于前 {n} 名分界）").format(n=n)
        for r in members:
            r.tie_note = tg.note
    for r in rs:
        _finish_lines(scheme, r)
    return [tg for tg, _ in tie_groups]


def _find_decision(decisions: list[TieDecision], post: str, part: list[CandidateResult]) -> TieDecision | None:
    ids = {r.candidate.id for r in part}
    for d in reversed(decisions):  # the latest recorded decision wins
        if d.post == post and set(d.order) == ids and len(d.order) == len(ids):
            return d
    return None


def _decide(scheme: Scheme, r: CandidateResult, start: int, end: int, block: list[CandidateResult],
            n: int | None, post_has_incomplete: bool) -> None:
    total = format(r.total, "f")
    if scheme.min_total is not None and r.total < scheme.min_total:  # type: ignore[operator]
        r.outcome = OUTCOME_FAIL
        r.outcome_reason = tr("总分 {t} 低于最低分 {m}").format(t=total, m=_d(scheme.min_total))
        return
    min_ok = tr("总分 {t} 不低于最低分 {m}").format(t=total, m=_d(scheme.min_total)) \
        if scheme.min_total is not None else ""
    if n is None:
        r.outcome = OUTCOME_PASS
        r.outcome_reason = min_ok
        return
    if post_has_incomplete:
        r.outcome = OUTCOME_PENDING
        r.outcome_reason = tr("本职位有人选评分未完成，前 {n} 名暂不能确定").format(n=n)
        return
    rank_text = tr("并列第 {s} 名").format(s=start) if len(block) > 1 else tr("第 {s} 名").format(s=start)
    if end <= n:
        r.outcome = OUTCOME_PASS
        r.outcome_reason = "；".join(x for x in (min_ok, tr("{rank}，在前 {n} 名内").format(rank=rank_text, n=n)) if x)
    elif start > n:
        r.outcome = OUTCOME_FAIL
        r.outcome_reason = tr("{rank}，不在前 {n} 名内").format(rank=rank_text, n=n)
    else:
        others = _names(x for x in block if x is not r)
        r.outcome = OUTCOME_TIE_PENDING
        r.outcome_reason = tr("与 {o} 总分同为 {t}，同分规则未能区分，跨越前 {n} 名分界（第 {s}～{e} 名），待记录决定").format(
            o=others, t=total, n=n, s=start, e=end)


def _finish_lines(scheme: Scheme, r: CandidateResult) -> None:
    tail = []
    if r.tie_note:
        tail.append(tr("同分：{note}").format(note=r.tie_note))
    if r.rank is not None:
        tail.append(tr("排名：{shared}第 {k} 名").format(shared=tr("并列") if r.shared_rank else "", k=r.rank))
    tail.append(tr("结果：{o}{why}").format(o=outcome_label(r.outcome),
                                           why=tr("（{w}）").format(w=r.outcome_reason) if r.outcome_reason else ""))
    r.lines.extend(tail)
    r.public_lines.extend(tail)
    r.internal_lines.extend(tail)
