"""The one masking policy: which personal fields every registry form shows, and how (issue 16, DESIGN §5).

``POLICY`` maps a registry form name (``villagevote print|export NAME``; a variant such as the internal copy of the
score summary is ``"score-summary:internal"``) to the level at which each personal field is shown:

* ``full`` — the value as recorded. Only internal forms (filed, or sent to the county departments for their checks)
  show a field in full, and every such form prints ``注意保密`` (:func:`confidential`).
* ``masked`` — a form posted on the wall or handed out that still needs to tell two people apart: an ID number
  keeps its first six and last four characters (``330102********123X``), a phone its first three and last four
  (``139****5678``), a birth date its year and month, a rater a number (``评委3``).
* ``absent`` — not printed at all.

Renderers and report functions take their decision from here — :func:`mask_id`, :func:`mask_phone`,
:func:`mask_birth`, :func:`mask_rater` — never from a flag of their own. ``docs/masking.md`` is generated from this
table (:func:`markdown_table`; ``tests/test_masking_policy.py`` checks the two agree and renders every registry form
with people whose ID numbers and phones are known, checking the output against the table).

A form missing from the table is an error (:func:`policy` raises ``KeyError``): a new form states what it shows.
Pure data and string functions; no database, no Qt.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from villagevote.i18n import tr
from villagevote.idcard import mask_id_number

__all__ = [
    "CONFIDENTIAL_MARK",
    "FIELDS",
    "POLICY",
    "FormPolicy",
    "Show",
    "confidential",
    "markdown_table",
    "mask_birth",
    "mask_id",
    "mask_phone",
    "mask_rater",
    "policy",
    "show",
]


class Show(str, enum.Enum):
    FULL = "full"
    MASKED = "masked"
    ABSENT = "absent"


FULL, MASKED, ABSENT = Show.FULL, Show.MASKED, Show.ABSENT

# The personal fields the table rules on (code -> Chinese name in docs/masking.md).
FIELDS: dict[str, str] = {
    "id_number": "身份证号码",
    "phone": "联系电话",
    "birth_date": "出生日期",
    "rater": "评委身份",
    "relation": "亲属及回避关系",
}

CONFIDENTIAL_MARK = "注意保密"


@dataclass(frozen=True)
class FormPolicy:
    title: str  # Chinese, as the form is known in the office
    audience: str  # who receives it, in Chinese (张贴公示 / 报县级部门 / 乡镇存档 …)
    fields: Mapping[str, Show] = field(default_factory=dict)  # a field not named is ABSENT
    # fields that show only the receiver's own data (a rater's name on the rater's own score sheet): not a reason
    # for 注意保密
    own: frozenset[str] = frozenset()

    def show(self, name: str) -> Show:
        if name not in FIELDS:
            raise KeyError(name)
        return self.fields.get(name, ABSENT)

    @property
    def confidential(self) -> bool:
        return any(level is FULL for name, level in self.fields.items() if name not in self.own)


def _p(title: str, audience: str, own: tuple[str, ...] = (), **fields: Show) -> FormPolicy:
    return FormPolicy(title, audience, fields, frozenset(own))


POLICY: dict[str, FormPolicy] = {
    # --- candidates and qualification -------------------------------------------------------------------------
    "qualification-forms": _p("候选人（自荐人）资格审查表", "报县级联审部门，乡镇存档",
                              id_number=FULL, phone=FULL, birth_date=MASKED),
    "county-review": _p("县级联审表（Excel）", "报县级联审部门", id_number=FULL, birth_date=MASKED),
    "candidate-notice": _p("候选人（自荐人）名单公示", "张贴公示"),
    "candidate-template": _p("候选人（自荐人）登记表模板", "空白模板"),
    # --- pledges ------------------------------------------------------------------------------------------------
    "pledge": _p("承诺书（一份）", "张贴公示（示诺）", id_number=MASKED, birth_date=MASKED),
    "pledges": _p("承诺书（按村批量）", "张贴公示（示诺）", id_number=MASKED, birth_date=MASKED),
    "pledge-notice": _p("候选人承诺公示（示诺）", "张贴公示"),
    # --- scoring ------------------------------------------------------------------------------------------------
    "score-sheets": _p("实绩比选评分表（空白）", "发给评委本人", own=("rater",), rater=FULL),
    "score-summary": _p("实绩比选结果汇总表", "公布"),
    "score-summary:internal": _p("实绩比选结果汇总表（内部存档）", "乡镇存档", rater=FULL, relation=FULL),
    "scores": _p("实绩比选评分与结果（Excel）", "乡镇存档", rater=FULL),
    # --- voters -------------------------------------------------------------------------------------------------
    "voter-notice": _p("选民名单公告", "张贴公示"),
    "voter-cards": _p("选民证", "发给选民本人"),
    "proxy-list": _p("委托投票名单公告", "张贴公示"),
    "voter-day-notice": _p("选民登记日和选举日公告", "张贴公示"),
    "voter-changes": _p("选民补登、除名公告", "张贴公示"),
    "objection-decisions": _p("异议处理决定通知书", "送达异议人"),
    "proxy-certificates": _p("委托投票证", "发给受托人"),
    "voters": _p("选民名单（Excel）", "乡镇存档", id_number=FULL, birth_date=FULL),
    "voter-template": _p("选民名单导入模板", "空白模板"),
    # --- commitment tracking (践诺跟踪) ---------------------------------------------------------------------------
    "tracking-ledger": _p("践诺台账（打印、工作簿）", "乡镇存档"),
    "weekly-summary": _p("周报汇总", "乡镇存档"),
    "weekly-missing": _p("周报缺报清单", "发各村催报"),
    "monthly-comparison": _p("月查月比表", "乡镇存档，通报各村"),
    "closure-register": _p("销号备案表", "报市委组织部备案"),
    "supervision-notice": _p("挂牌督办通知书（含回执）", "送达责任村和责任人"),
    "ranking-circular": _p("季度排名通报", "印发各村"),
    # --- evaluation (双述双评) ---------------------------------------------------------------------------------------
    "evaluation-ballots": _p("民主评议票", "发给参加评议的人员"),
    "evaluation-tally": _p("评议结果统计表", "乡镇存档"),
    "evaluation-summary": _p("年度述职评议汇总", "报乡镇党委，存档"),
    "resignation-notice": _p("辞职承诺触发告知书（含送达回执）", "送达本人"),
    "term-dossier": _p("任期践诺档案", "乡镇存档"),
    # --- elections ----------------------------------------------------------------------------------------------
    "ballots": _p("选票", "发给选民"),
    "result-report": _p("选举结果报告单", "报乡镇（街道）备案"),
    "winners-notice": _p("当选公告", "张贴公示"),
    "certificates": _p("当选证书", "发给当选人"),
    "tally-sheets": _p("计票单（唱票用）", "计票现场使用"),
    "election-staff-notice": _p("监票人、计票人名单公告", "张贴公示"),
    "election-committee-notice": _p("村民选举委员会成员名单公告", "张贴公示"),
    "results": _p("选举结果汇总表（Excel）", "乡镇存档"),
    # --- statistics ---------------------------------------------------------------------------------------------
    "stats-workbook": _p("统计上报工作簿（Excel，含数据指纹）", "报县委组织部汇总"),
    "stats-summary": _p("换届统计报送汇总（封面、主要指标、合规提示）", "盖章后报县委组织部，乡镇存档"),
    "stats-report": _p("换届统计（分村指标、合规提示、践诺统计、图表）", "乡镇存档，报县委组织部参阅"),
}


def policy(form: str) -> FormPolicy:
    """The policy of a registry form (or a variant such as ``score-summary:internal``); KeyError for a form the
    table does not name."""
    return POLICY[form]


def show(form: str, name: str) -> Show:
    return policy(form).show(name)


def confidential(form: str) -> bool:
    """True when the form shows some personal field in full: it must print :data:`CONFIDENTIAL_MARK`."""
    return policy(form).confidential


def mask_id(value: str | None, form: str) -> str:
    """An ID number as ``form`` prints it: in full, masked (first six, last four) or "" (absent)."""
    level = show(form, "id_number")
    if not value or level is ABSENT:
        return ""
    return value if level is FULL else mask_id_number(value)


def mask_phone(value: str | None, form: str) -> str:
    """A phone number as ``form`` prints it: in full, masked (``139****5678``) or "" (absent)."""
    level = show(form, "phone")
    if not value or level is ABSENT:
        return ""
    if level is FULL:
        return value
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep = 3 if len(digits) >= 11 else 0
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_birth(value: dt.date | None, form: str) -> str:
    """A birth date as ``form`` prints it: ``1976年9月29日``, ``1976年9月`` (masked) or "" (absent)."""
    level = show(form, "birth_date")
    if value is None or level is ABSENT:
        return ""
    if level is FULL:
        return tr("{y}年{m}月{d}日").format(y=value.year, m=value.month, d=value.day)
    return tr("{y}年{m}月").format(y=value.year, m=value.month)


def mask_rater(name: str, number: int, form: str) -> str:
    """A rater as ``form`` names them: the name (full), ``评委{number}`` (masked) or "" (absent)."""
    level = show(form, "rater")
    if level is ABSENT:
        return ""
    return name if level is FULL else tr("评委{n}").format(n=number)


_LEVEL_TEXT = {FULL: "完整", MASKED: "隐去部分", ABSENT: "不显示"}


def markdown_table() -> str:
    """The table as Markdown, for ``docs/masking.md`` (between its generated-table markers)."""
    head = ["表单（打印/导出名）", "名称", "去向"] + list(FIELDS.values()) + ["注意保密"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in sorted(POLICY):
        p = POLICY[name]
        cells = [f"`{name}`", p.title, p.audience]
        cells += [_LEVEL_TEXT[p.show(f)] for f in FIELDS]
        cells.append("印" if p.confidential else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
