"""The compliance sheet (tracking.md §B1) and the consistency checks that block an export or a merge (§B4).

Both read only :class:`~villagevote.statistics.catalog.Value` rows, so the township workbook and the county merge
(which has no database) use the same functions. Pure: no database, no Qt.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from villagevote.i18n import tr
from villagevote.statistics.catalog import TOTAL, Value, catalog, indicator

__all__ = [
    "ComplianceRow",
    "Problem",
    "compliance_rows",
    "consistency_errors",
    "consistency_problems",
    "rule_text",
]

# rule codes of the compliance sheet
NO_WOMAN = "C1"
NO_YOUTH = "C2"
PARTY_REPS = "C3"
WOMEN_REPS = "C4"
COMMITTEE_SIZE = "C5"
NO_REPS = "C6"


def rule_text(code: str) -> str:
    texts = {
        NO_WOMAN: tr("村民委员会应当有妇女成员"),
        NO_YOUTH: tr("村“两委”中应有35周岁以下、高中（中专）以上学历的青年委员"),
        PARTY_REPS: tr("党员在村民代表中的比例不低于三分之一"),
        WOMEN_REPS: tr("妇女村民代表应占村民代表会议组成人员的三分之一以上"),
        COMMITTEE_SIZE: tr("村民委员会由主任、副主任和委员共三至七人组成"),
        NO_REPS: tr("未录入村民代表名单，无法核对党员代表和妇女代表比例"),
    }
    return texts[code]


@dataclass(frozen=True)
class ComplianceRow:
    village_code: str
    village: str  # name ("" when unknown, e.g. in a merge)
    rule: str  # C1 …
    text: str  # the rule in Chinese
    figure: str  # what the village has, e.g. "村委会女性成员 0 人"


def _by_village(values: Iterable[Value]) -> dict[str, dict[str, Value]]:
    out: dict[str, dict[str, Value]] = {}
    for v in values:
        out.setdefault(v.village_code, {})[v.indicator] = v
    return out


def compliance_rows(values: Iterable[Value], villages: Mapping[str, str] | None = None,
                    committee_limits: tuple[int, int] = (3, 7)) -> list[ComplianceRow]:
    """One row per village and rule it breaks, by village code and rule code (the total row is not judged):
    no woman on the 村委会; no 青年委员; Party-member or women representatives under one third (a village with
    no representatives recorded gets one row saying so); a 村委会 of fewer or more members than ``committee_limits``
    (a village with no 村委会 elected yet included — and then only that: no woman / no 青年委员 are not judged on an
    empty body)."""
    names = villages or {}
    low, high = committee_limits
    rows: list[ComplianceRow] = []
    for code, got in sorted(_by_village(values).items()):
        if code == TOTAL:
            continue
        name = names.get(code, "")

        def n(key: str, got: dict[str, Value] = got) -> int:
            value = got.get(key)
            return value.numerator if value is not None else 0

        def add(rule: str, figure: str, code: str = code, name: str = name) -> None:
            rows.append(ComplianceRow(code, name, rule, rule_text(rule), figure))

        # a village with no 村委会 (or no 两委) elected yet is flagged once, by the committee size
        if "S20.vc_women" in got and n("S20.vc_women") == 0 and n("S11.members") > 0:
            add(NO_WOMAN, tr("村委会成员 {n} 人，其中女性 0 人").format(n=n("S11.members")))
        if "S30.youth_villages" in got and n("S30.youth_villages") == 0 and n("S12.members") > 0:
            add(NO_YOUTH, tr("两委成员 {n} 人，35周岁以下 {y} 人，无高中（中专）以上学历的青年委员").format(
                n=n("S12.members"), y=n("S30.age_le35")))
        if "S70.reps" in got:
            reps = n("S70.reps")
            if reps == 0:
                add(NO_REPS, tr("村民代表 0 人"))
            else:
                party, women = n("S70.reps_party"), n("S70.reps_women")
                if party * 3 < reps:
                    add(PARTY_REPS, tr("村民代表 {n} 人，党员 {k} 人（{p}%）").format(
                        n=reps, k=party, p=got["S70.reps_party_rate"].value_text()))
                if women * 3 < reps:
                    add(WOMEN_REPS, tr("村民代表 {n} 人，妇女 {k} 人（{p}%）").format(
                        n=reps, k=women, p=got["S70.reps_women_rate"].value_text()))
        if "S11.members" in got and not low <= n("S11.members") <= high:
            add(COMMITTEE_SIZE, tr("村委会成员 {n} 人（应为 {low} 至 {high} 人）").format(
                n=n("S11.members"), low=low, high=high))
    return sorted(rows, key=lambda r: (r.village_code, r.rule))


@dataclass(frozen=True)
class Problem:
    """A contradiction between values of one village (or the total, village_code ""): the indicators involved
    (the first is the one to point at) and the Chinese message."""
    village_code: str
    indicators: tuple[str, ...]
    message: str


def _where(code: str) -> str:
    return tr("合计") if code == TOTAL else tr("村 {code}").format(code=code)


def consistency_problems(values: Iterable[Value]) -> list[Problem]:
    """The §B4 checks, per village and for the total: 交叉任职 ≤ min(党组织, 村委会); S12 = S10 + S11 − S13; women ≤
    the body's members (and 女书记 ≤ 书记, 女主任 ≤ 主任, 妇女代表 ≤ 代表); villages counted ≤ 村数; the age bands add up
    to the 两委 members; every ratio within 0–100 % (numerator ≤ denominator, neither negative), counts not
    negative."""
    problems: list[Problem] = []
    village_counts = [d.code for d in catalog() if d.village_count and d.code != "S01.villages"]
    for code, got in sorted(_by_village(values).items()):
        where = _where(code)

        def has(*keys: str, got: dict[str, Value] = got) -> bool:
            return all(k in got for k in keys)

        def n(key: str, got: dict[str, Value] = got) -> int:
            return got[key].numerator

        def label(key: str) -> str:
            return indicator(key).label

        def bad(keys: tuple[str, ...], message: str, code: str = code) -> None:
            problems.append(Problem(code, keys, message))

        if has("S13.cross", "S10.members", "S11.members"):
            cross, pb, vc = n("S13.cross"), n("S10.members"), n("S11.members")
            if cross > min(pb, vc):
                bad(("S13.cross", "S10.members", "S11.members"),
                    tr("{where}：交叉任职人数 {c} 大于党组织成员 {pb} 或村委会成员 {vc}").format(
                        where=where, c=cross, pb=pb, vc=vc))
            if has("S12.members") and n("S12.members") != pb + vc - cross:
                bad(("S12.members", "S10.members", "S11.members", "S13.cross"),
                    tr("{where}：两委成员 {lw} 不等于党组织 {pb} + 村委会 {vc} − 交叉任职 {c}").format(
                        where=where, lw=n("S12.members"), pb=pb, vc=vc, c=cross))
        for part, whole in (("S20.pb_women", "S10.members"), ("S20.vc_women", "S11.members"),
                            ("S20.lw_women", "S12.members"), ("S20.female_secretary", "S10.secretary"),
                            ("S20.female_director", "S11.director"), ("S70.reps_women", "S70.reps"),
                            ("S70.reps_party", "S70.reps"), ("S50.vc_party", "S11.members")):
            if has(part, whole) and n(part) > n(whole):
                bad((part, whole), tr("{where}：{a} {x} 大于{b} {y}").format(
                    where=where, a=label(part), x=n(part), b=label(whole), y=n(whole)))
        if "S01.villages" in got:
            for key in village_counts:
                if key in got and n(key) > n("S01.villages"):
                    bad((key, "S01.villages"), tr("{where}：{a} {x} 大于村数 {y}").format(
                        where=where, a=label(key), x=n(key), y=n("S01.villages")))
        bands = ("S30.age_le35", "S30.age_36_59", "S30.age_ge60", "S30.age_unknown")
        if has(*bands, "S12.members"):
            total = sum(n(k) for k in bands)
            if total != n("S12.members"):
                bad((bands[0], *bands[1:], "S12.members"),
                    tr("{where}：各年龄段人数之和 {s} 不等于两委成员 {lw}").format(
                        where=where, s=total, lw=n("S12.members")))
        for key, value in got.items():
            try:
                definition = indicator(key)
            except KeyError:
                continue
            if definition.kind == "ratio" and (value.numerator < 0 or value.denominator < 0
                                               or value.numerator > value.denominator):
                bad((key,), tr("{where}：{a} 为 {x}/{y}，超出 0–100%").format(
                    where=where, a=definition.label, x=value.numerator, y=value.denominator))
            elif definition.kind == "count" and value.numerator < 0:
                bad((key,), tr("{where}：{a} 为负数 {x}").format(where=where, a=definition.label, x=value.numerator))
    return problems


def consistency_errors(values: Sequence[Value] | Iterable[Value]) -> list[str]:
    """The Chinese messages of :func:`consistency_problems` (empty when the values agree with each other)."""
    return [p.message for p in consistency_problems(values)]
