"""The indicators the county asks for (tracking.md §B1, B2) as data, and the exact value type.

Each indicator has a stable ``code`` (``"S13.cross"``: the S-code group of B1, a dot, a short name), a Chinese
``label``, the county ``table`` it belongs to (one sheet of the township workbook), the column ``group`` above it in
the two-row header (党组织 / 村委会 / 两委 …), a ``kind`` and, for ratios and averages, the Chinese description of
its denominator (the template states it). Values are exact integer fractions (:class:`Value`): a count has
denominator 1, an average holds the sum (e.g. of ages) over n, a ratio its numerator over its denominator; text is
made only when shown, with ROUND_HALF_UP. Totals are recomputed from summed numerators and denominators, never from
rounded or averaged figures (:func:`township_totals`).

Pure: no database, no Qt.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from villagevote import i18n
from villagevote.i18n import tr
from villagevote.models.enums import FlagKind

__all__ = [
    "KINDS",
    "REPORT_CODE",
    "REPORT_CODES",
    "STRUCTURE",
    "TABLES",
    "TEMPLATE_VERSION",
    "TOTAL",
    "TRACKING",
    "Indicator",
    "Kind",
    "Value",
    "catalog",
    "difference",
    "indicator",
    "indicators_of",
    "table_title",
    "totals",
    "township_totals",
]

TEMPLATE_VERSION = "2026.1"
STRUCTURE = "HJTJ-01"  # 村级组织换届统计 (B1)
TRACKING = "JNTJ-01"  # 践诺跟踪统计 (B2)
REPORT_CODE = STRUCTURE
REPORT_CODES: tuple[str, ...] = (STRUCTURE, TRACKING)
TOTAL = ""  # village_code of a township (or county) total

Kind = Literal["count", "ratio", "average"]
KINDS: tuple[str, ...] = ("count", "ratio", "average")

# table keys (sheet names of the township workbook) in print order
TABLES: tuple[str, ...] = ("T1", "T2", "T3", "T4")


def table_title(table: str) -> str:
    """The sheet title of a table key, e.g. "T2 两委成员结构"."""
    titles = {
        "T1": tr("T1 换届完成情况"),
        "T2": tr("T2 两委成员结构"),
        "T3": tr("T3 村民代表"),
        "T4": tr("T4 践诺跟踪"),
    }
    return titles[table]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    table: str  # key in TABLES
    group: str  # upper header row (党组织 / 村委会 / 两委 / …)
    kind: Kind
    denominator: str = ""  # what a ratio or an average is taken over, in Chinese ("" for counts)
    precision: int = 0  # digits shown: 1 for percents, 2 for averages, 0 for counts
    report: str = STRUCTURE
    village_count: bool = False  # a count of villages (0 or 1 per village; totals sum as counts)
    # an average that is the difference of two averages (current − previous): totals recompute both first
    difference_of: tuple[str, str] | None = None

    @property
    def title(self) -> str:
        """Label with its unit, for a column header: "交叉任职率（%）", "平均年龄（岁）"."""
        if self.kind == "ratio":
            return tr("{label}（%）").format(label=self.label)
        return self.label


@dataclass(frozen=True)
class Value:
    """One indicator for one village ("" = the township total) as an exact integer fraction.

    count: numerator = the count, denominator = 1; average: numerator = the sum (e.g. of ages in full years),
    denominator = n; ratio: numerator / denominator exactly (shown ×100 as a percent)."""
    indicator: str
    village_code: str
    numerator: int
    denominator: int

    @property
    def definition(self) -> Indicator:
        return indicator(self.indicator)

    def decimal(self, precision: int | None = None) -> Decimal | None:
        """The value rounded ROUND_HALF_UP to ``precision`` digits (the indicator's when None); a ratio as a percent.
        None when the denominator is 0 (nothing to take a share or an average of)."""
        definition = indicator(self.indicator)
        digits = definition.precision if precision is None else precision
        if self.denominator == 0:
            return None
        # integer arithmetic throughout: round half away from zero (ROUND_HALF_UP) at ``digits`` places
        scaled = self.numerator * (100 if definition.kind == "ratio" else 1) * 10 ** digits
        den = abs(self.denominator)
        quotient, rest = divmod(abs(scaled), den)
        if 2 * rest >= den:
            quotient += 1
        negative = (scaled < 0) != (self.denominator < 0)
        return Decimal(-quotient if negative else quotient).scaleb(-digits).quantize(
            Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)

    def value_text(self, precision: int | None = None) -> str:
        """"33.3" for 1/3 as a ratio at precision 1, "48.25" for an average, "12" for a count, "—" without a
        denominator."""
        value = self.decimal(precision)
        return "—" if value is None else format(value, "f")


def _indicators() -> tuple[Indicator, ...]:
    pb, vc, lw = tr("党组织"), tr("村委会"), tr("两委")
    t1 = tr("换届"), tr("选举")
    villages = tr("村数")
    lw_members = tr("两委成员数（S12，不重复计人）")
    vc_members = tr("村委会成员数（S11）")
    pb_members = tr("党组织成员数（S10）")
    reps = tr("村民代表人数（S70）")
    ages_lw = tr("有出生日期的两委成员人数")
    rows: list[Indicator] = [
        # T1 换届完成情况: S01–S05, S80
        Indicator("S01.villages", tr("村数"), "T1", t1[0], "count", village_count=True),
        Indicator("S02.completed", tr("完成换届村数"), "T1", t1[0], "count", village_count=True),
        Indicator("S03.first_success", tr("一次选举成功村数"), "T1", t1[0], "count", village_count=True),
        Indicator("S03.first_success_rate", tr("一次选举成功率"), "T1", t1[0], "ratio", villages, 1),
        Indicator("S04.additional", tr("另行选举村数"), "T1", t1[0], "count", village_count=True),
        Indicator("S05.failed", tr("未成功村数"), "T1", t1[0], "count", village_count=True),
        Indicator("S80.turnout", tr("参选率"), "T1", t1[1], "ratio",
                  tr("村委会第一轮选举登记选民数（投票人数 ÷ 登记选民数）"), 1),
        Indicator("S80.party_attendance", tr("党员到会率"), "T1", t1[1], "ratio",
                  tr("党员大会应到人数（实到 ÷ 应到）"), 1),
        # T2 两委成员结构
        Indicator("S10.members", tr("党组织成员"), "T2", pb, "count"),
        Indicator("S10.secretary", tr("书记"), "T2", pb, "count"),
        Indicator("S11.members", tr("村委会成员"), "T2", vc, "count"),
        Indicator("S11.director", tr("主任"), "T2", vc, "count"),
        Indicator("S11.deputy", tr("副主任"), "T2", vc, "count"),
        Indicator("S11.member", tr("委员"), "T2", vc, "count"),
        Indicator("S12.members", tr("两委成员"), "T2", lw, "count"),
        Indicator("S13.cross", tr("交叉任职人数"), "T2", lw, "count"),
        Indicator("S13.cross_rate", tr("交叉任职率"), "T2", lw, "ratio", lw_members, 1),
        Indicator("S14.one_shoulder", tr("一肩挑村数"), "T2", lw, "count", village_count=True),
        Indicator("S14.one_shoulder_rate", tr("一肩挑比例"), "T2", lw, "ratio", villages, 1),
        Indicator("S15.branch_director", tr("支委兼任主任村数"), "T2", lw, "count", village_count=True),
        Indicator("S20.pb_women", tr("党组织女性成员"), "T2", tr("女性"), "count"),
        Indicator("S20.pb_women_rate", tr("党组织女性占比"), "T2", tr("女性"), "ratio", pb_members, 1),
        Indicator("S20.vc_women", tr("村委会女性成员"), "T2", tr("女性"), "count"),
        Indicator("S20.vc_women_rate", tr("村委会女性占比"), "T2", tr("女性"), "ratio", vc_members, 1),
        Indicator("S20.lw_women", tr("两委女性成员"), "T2", tr("女性"), "count"),
        Indicator("S20.lw_women_rate", tr("两委女性占比"), "T2", tr("女性"), "ratio", lw_members, 1),
        Indicator("S20.female_secretary", tr("女书记"), "T2", tr("女性"), "count"),
        Indicator("S20.female_director", tr("女主任"), "T2", tr("女性"), "count"),
        Indicator("S20.villages_vc_woman", tr("村委会有女性成员的村数"), "T2", tr("女性"), "count",
                  village_count=True),
        Indicator("S20.villages_pb_woman", tr("党组织有女性成员的村数"), "T2", tr("女性"), "count",
                  village_count=True),
        Indicator("S30.avg_age", tr("两委平均年龄"), "T2", tr("年龄"), "average", ages_lw, 2),
        Indicator("S30.avg_age_secretary", tr("书记平均年龄"), "T2", tr("年龄"), "average",
                  tr("有出生日期的书记人数"), 2),
        Indicator("S30.avg_age_director", tr("主任平均年龄"), "T2", tr("年龄"), "average",
                  tr("有出生日期的主任人数"), 2),
        Indicator("S30.age_le35", tr("35周岁以下"), "T2", tr("年龄"), "count"),
        Indicator("S30.age_le35_rate", tr("35周岁以下占比"), "T2", tr("年龄"), "ratio", lw_members, 1),
        Indicator("S30.age_36_59", tr("36至59周岁"), "T2", tr("年龄"), "count"),
        Indicator("S30.age_ge60", tr("60周岁及以上"), "T2", tr("年龄"), "count"),
        Indicator("S30.age_ge60_rate", tr("60周岁及以上占比"), "T2", tr("年龄"), "ratio", lw_members, 1),
        Indicator("S30.age_unknown", tr("出生日期不详"), "T2", tr("年龄"), "count"),
        Indicator("S30.youth_villages", tr("有青年委员的村数"), "T2", tr("年龄"), "count", village_count=True),
        Indicator("S40.edu_senior", tr("高中（中专）及以上"), "T2", tr("学历"), "count"),
        Indicator("S40.edu_senior_rate", tr("高中（中专）及以上占比"), "T2", tr("学历"), "ratio", lw_members, 1),
        Indicator("S40.edu_college", tr("大专及以上"), "T2", tr("学历"), "count"),
        Indicator("S40.edu_college_rate", tr("大专及以上占比"), "T2", tr("学历"), "ratio", lw_members, 1),
        Indicator("S40.edu_bachelor", tr("本科及以上"), "T2", tr("学历"), "count"),
        Indicator("S40.edu_bachelor_rate", tr("本科及以上占比"), "T2", tr("学历"), "ratio", lw_members, 1),
        Indicator("S40.secretary_senior", tr("书记高中（中专）及以上"), "T2", tr("学历"), "count"),
        Indicator("S40.secretary_college", tr("书记大专及以上"), "T2", tr("学历"), "count"),
        Indicator("S40.secretary_bachelor", tr("书记本科及以上"), "T2", tr("学历"), "count"),
        Indicator("S50.vc_party", tr("村委会成员中党员"), "T2", tr("党员"), "count"),
        Indicator("S50.vc_party_rate", tr("村委会成员中党员占比"), "T2", tr("党员"), "ratio", vc_members, 1),
        Indicator("S60.new", tr("新进人员"), "T2", tr("新进与连任"), "count"),
        Indicator("S60.new_rate", tr("新进人员占比"), "T2", tr("新进与连任"), "ratio",
                  tr("可与上届名单比对的两委成员数（新进 + 连任）"), 1),
        Indicator("S60.reelected", tr("连任人员"), "T2", tr("新进与连任"), "count"),
        Indicator("S60.prev_avg_age", tr("上届两委平均年龄"), "T2", tr("新进与连任"), "average",
                  tr("有出生日期的上届两委成员人数（上届统计时点）"), 2),
        Indicator("S60.avg_age_change", tr("平均年龄比上届增减"), "T2", tr("新进与连任"), "average",
                  tr("本届平均年龄 − 上届平均年龄"), 2, difference_of=("S30.avg_age", "S60.prev_avg_age")),
        Indicator("S90.supervision", tr("监委会成员"), "T2", tr("监委会与合作社"), "count"),
        Indicator("S90.coop", tr("合作社成员"), "T2", tr("监委会与合作社"), "count"),
        Indicator("S90.cross", tr("监委会与合作社交叉兼职人数"), "T2", tr("监委会与合作社"), "count"),
        # T3 村民代表
        Indicator("S70.reps", tr("村民代表"), "T3", tr("村民代表"), "count"),
        Indicator("S70.reps_party", tr("党员代表"), "T3", tr("村民代表"), "count"),
        Indicator("S70.reps_party_rate", tr("党员代表占比"), "T3", tr("村民代表"), "ratio", reps, 1),
        Indicator("S70.reps_women", tr("妇女代表"), "T3", tr("村民代表"), "count"),
        Indicator("S70.reps_women_rate", tr("妇女代表占比"), "T3", tr("村民代表"), "ratio", reps, 1),
    ]
    rows += _tracking_indicators()
    return tuple(rows)


def _tracking_indicators() -> list[Indicator]:
    """B2, report JNTJ-01: per village and township for a month or a quarter."""
    items, rates, grades, cons = tr("事项"), tr("比率"), tr("评议等次"), tr("组织措施")
    due = tr("本期末应销号事项数（时限已到）")

    def t(code: str, label: str, group: str, kind: Kind = "count", denominator: str = "",
          precision: int = 0) -> Indicator:
        return Indicator(code, label, "T4", group, kind, denominator, precision, report=TRACKING)

    return [
        t("J01.registered", tr("挂号"), items),
        t("J01.new", tr("本期新增"), items),
        t("J01.reported", tr("报结"), items),
        t("J01.closed", tr("销号"), items),
        t("J01.overdue", tr("逾期"), items),
        t("J01.supervised", tr("督办"), items),
        t("J01.exempted", tr("免责"), items),
        t("J02.closed_rate", tr("销号率（按件数）"), rates, "ratio", due, 1),
        t("J02.closed_weight_rate", tr("销号率（按权重）"), rates, "ratio", tr("本期末应销号事项的权重之和"), 1),
        t("J02.on_time_rate", tr("按期销号率"), rates, "ratio", due, 1),
        t("J02.report_rate", tr("周报及时率"), rates, "ratio", tr("本期应报周报份数"), 1),
        t("J03.grade_top", tr("优秀"), grades),
        t("J03.grade_pass", tr("称职（满意、合格）"), grades),
        t("J03.grade_basic", tr("基本称职（基本满意、基本合格）"), grades),
        t("J03.grade_fail", tr("不称职（不满意、不合格）"), grades),
        t("J04.proposed", tr("建议"), cons),
        t("J04.confirmed", tr("已确认"), cons),
        t("J04.executed", tr("已执行"), cons),
        t("J04.waived", tr("已免责"), cons),
        *(t(f"J05.{kind.value}", kind.label, tr("组织措施种类")) for kind in FlagKind),
    ]


@functools.lru_cache(maxsize=4)
def _catalog(generation: int) -> tuple[tuple[Indicator, ...], dict[str, Indicator]]:
    rows = _indicators()
    return rows, {row.code: row for row in rows}


def catalog(report: str | None = None) -> tuple[Indicator, ...]:
    """Every indicator in column order (of one report code when given)."""
    rows = _catalog(i18n.generation())[0]
    return rows if report is None else tuple(row for row in rows if row.report == report)


def indicator(code: str) -> Indicator:
    """The definition of ``code``; KeyError names an unknown one."""
    return _catalog(i18n.generation())[1][code]


def indicators_of(table: str) -> tuple[Indicator, ...]:
    return tuple(row for row in catalog() if row.table == table)


def totals(values: Iterable[Value], village_code: str = TOTAL) -> list[Value]:
    """One total per indicator over ``values`` (the rows of several villages, or townships): counts sum (also
    counts of villages), ratios and averages sum their numerators and denominators, a difference of averages is
    recomputed from the totals of both averages. Existing total rows (village_code "") in ``values`` are ignored;
    the result is in catalogue order."""
    sums: dict[str, list[int]] = {}
    for value in values:
        if value.village_code == TOTAL:
            continue
        acc = sums.setdefault(value.indicator, [0, 0])
        acc[0] += value.numerator
        acc[1] += value.denominator
    out: list[Value] = []
    for definition in catalog():
        if definition.code not in sums:
            continue
        if definition.difference_of is not None:
            out.append(difference(definition.code, village_code, sums.get(definition.difference_of[0], [0, 0]),
                                  sums.get(definition.difference_of[1], [0, 0])))
        elif definition.kind == "count":
            out.append(Value(definition.code, village_code, sums[definition.code][0], 1))
        else:
            num, den = sums[definition.code]
            out.append(Value(definition.code, village_code, num, den))
    return out


def township_totals(values: Sequence[Value]) -> list[Value]:
    """The township total row (village_code "") recomputed from the villages' values."""
    return totals(values, TOTAL)


def difference(code: str, village_code: str, current: Sequence[int], previous: Sequence[int]) -> Value:
    """a/b − c/d as one exact fraction (ad − cb)/(bd); denominator 0 when either average has none."""
    a, b = current[0], current[1]
    c, d = previous[0], previous[1]
    if b == 0 or d == 0:
        return Value(code, village_code, 0, 0)
    return Value(code, village_code, a * d - c * b, b * d)
