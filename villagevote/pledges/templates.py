"""Pledge templates: parse, validate and render.

A template is data (one JSON file per kind under ``resources/pledge_templates/``; copies edited in the app are stored
in the database with a version number). Its title, body and signature lines contain placeholders in braces that
township staff can type with a Chinese input method: ``{姓名}``, ``{村名}`` … Full-width braces ``｛姓名｝`` work the
same way; spaces inside the braces are ignored; a doubled brace ``{{`` / ``}}`` prints one literal brace.

Two placeholders stand for lists and must sit alone on a line of the body: ``{任期目标}`` (the term-goal items table
of a 创业承诺) and ``{辞职条件}`` (the numbered trigger conditions of a 辞职承诺).

Rendering turns a template plus the facts of one candidacy into a :class:`RenderedPledge`: plain data (title, blocks,
signature lines, copies) that is stored with a pledge and printed as is, so a signed pledge keeps its exact text even
when the template changes later.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.pledges.kinds import PledgeKind, kind_label

__all__ = [
    "BLOCK_PLACEHOLDERS",
    "PLACEHOLDERS",
    "ItemsTable",
    "Paragraph",
    "Placeholder",
    "PledgeFacts",
    "PledgeTemplate",
    "RenderedPledge",
    "ResignationTrigger",
    "TermGoalItem",
    "build_context",
    "cn_date",
    "default_templates_dir",
    "format_weight",
    "load_default_templates",
    "load_template_file",
    "parse_text",
    "placeholders_used",
    "render",
    "validate_template",
    "validate_term_goal_items",
    "validate_triggers",
]

# Placeholder name -> what it is replaced with. The order here is the order shown in the help list.
PLACEHOLDERS: dict[str, str] = {
    "姓名": tr("候选人（自荐人）姓名"),
    "性别": tr("男 / 女"),
    "出生年月": tr("如 1975年3月（由身份证号得出）"),
    "身份证号": tr("身份证号码；模板设为“隐去”时只显示前6位和后4位"),
    "政治面貌": tr("中共党员 / 中共预备党员 / 群众 等"),
    "村名": tr("村名，如 东山村"),
    "乡镇": tr("乡镇（街道）名，如 城关镇"),
    "组织": tr("所竞选的组织，如 东山村村民委员会"),
    "职务": tr("所竞选的职务，如 主任、委员"),
    "届次": tr("如 第十二届、2026年（届次名称末尾的“村级组织换届”“换届”字样不重复）"),
    "换届年度": tr("如 2026"),
    "选举日期": tr("如 2026年3月15日"),
    "签署日期": tr("签诺日期；未签署时留空“　　年　　月　　日”供手写"),
    "打印日期": tr("打印当天的日期"),
    "任期目标": tr("（单独一行）创业承诺的任期目标表"),
    "辞职条件": tr("（单独一行）辞职承诺的辞职情形，逐条编号"),
}

# List placeholders: name -> the only kind whose body may (and must) use it.
BLOCK_PLACEHOLDERS: dict[str, PledgeKind] = {
    "任期目标": PledgeKind.TERM_GOALS,
    "辞职条件": PledgeKind.RESIGNATION,
}

_OPEN = ("{", "｛")
_CLOSE = ("}", "｝")
_ID_DISPLAY = ("masked", "full")
_ITEM_COLUMNS = 6
_CN_NUMERALS = "零一二三四五六七八九十"


# --------------------------------------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class Placeholder:
    """One placeholder occurrence: its name and where it starts (1-based line and column)."""

    name: str
    line: int
    column: int


Segment = str | Placeholder


def _where(field_label: str, line: int, column: int) -> str:
    return tr("{field}第{line}行第{column}个字").format(field=field_label, line=line, column=column)


def parse_text(text: str, field_label: str | None = None) -> list[Segment]:
    """Split ``text`` into literal strings and :class:`Placeholder` items.

    Raises ValidationError naming the field, line and column for an unknown placeholder, an empty pair of braces,
    an opening brace without its closing brace (on the same line) or a closing brace without an opening one.
    """
    field_label = field_label or tr("正文")
    segments: list[Segment] = []
    literal: list[str] = []
    line, column = 1, 1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _OPEN:
            if i + 1 < n and text[i + 1] == ch:  # doubled brace = literal brace
                literal.append(ch)
                i += 2
                column += 2
                continue
            j = i + 1
            while j < n and text[j] not in _CLOSE and text[j] not in _OPEN and text[j] != "\n":
                j += 1
            if j >= n or text[j] not in _CLOSE:
                raise ValidationError(
                    tr("{where}：“{brace}”没有对应的“}}”。占位符要写成 {{姓名}} 这样，左右括号在同一行；"
                       "要印出括号本身请写两个“{{{{”").format(where=_where(field_label, line, column), brace=ch)
                )
            name = text[i + 1:j].strip()
            if not name:
                raise ValidationError(
                    tr("{where}：括号里没有占位符名称。可用的占位符：{names}").format(
                        where=_where(field_label, line, column), names=_names_list())
                )
            if name not in PLACEHOLDERS:
                hint = difflib.get_close_matches(name, list(PLACEHOLDERS), n=1, cutoff=0.4)
                suggestion = tr("，是否应为“{{{name}}}”").format(name=hint[0]) if hint else ""
                raise ValidationError(
                    tr("{where}：未知的占位符“{{{name}}}”{suggestion}。可用的占位符：{names}").format(
                        where=_where(field_label, line, column), name=name, suggestion=suggestion,
                        names=_names_list())
                )
            if literal:
                segments.append("".join(literal))
                literal = []
            segments.append(Placeholder(name, line, column))
            column += j + 1 - i
            i = j + 1
            continue
        if ch in _CLOSE:
            if i + 1 < n and text[i + 1] == ch:
                literal.append(ch)
                i += 2
                column += 2
                continue
            raise ValidationError(
                tr("{where}：多了一个“{brace}”，前面没有对应的“{{”。要印出括号本身请写两个“}}}}”").format(
                    where=_where(field_label, line, column), brace=ch)
            )
        literal.append(ch)
        if ch == "\n":
            line += 1
            column = 1
        else:
            column += 1
        i += 1
    if literal:
        segments.append("".join(literal))
    return segments


def _names_list() -> str:
    return "、".join("{" + name + "}" for name in PLACEHOLDERS)


def placeholders_used(text: str, field_label: str | None = None) -> list[str]:
    """Names of the placeholders in ``text``, in order of first use (validates the text)."""
    seen: list[str] = []
    for seg in parse_text(text, field_label):
        if isinstance(seg, Placeholder) and seg.name not in seen:
            seen.append(seg.name)
    return seen


# --------------------------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class ResignationTrigger:
    """One condition of a resignation pledge. ``params`` holds machine-readable thresholds (e.g. count, months)."""

    code: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "text": self.text}
        if self.params:
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResignationTrigger:
        return cls(code=str(data.get("code") or ""), text=str(data.get("text") or ""),
                   params=dict(data.get("params") or {}))


@dataclass(frozen=True)
class TermGoalItem:
    """One term goal (任期目标) of a 创业承诺: what, of which category, the measurable target, by when, weight."""

    title: str
    category: str
    target: str
    deadline: _dt.date
    weight: Decimal | None = None
    struck: bool = False
    strike_reason: str = ""


@dataclass
class PledgeTemplate:
    """One version of a pledge template."""

    kind: PledgeKind
    name: str
    version: int
    title: str
    body: str
    signature_lines: list[str]
    copies: list[str]
    id_number: str = "masked"  # 'masked' or 'full': how {身份证号} prints
    items_columns: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    weights_total: Decimal | None = None
    default_triggers: list[ResignationTrigger] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value, "name": self.name, "version": self.version, "id_number": self.id_number,
            "title": self.title, "body": self.body, "signature_lines": list(self.signature_lines),
            "copies": list(self.copies),
        }
        if self.items_columns:
            data["items_columns"] = list(self.items_columns)
        if self.categories:
            data["categories"] = list(self.categories)
        if self.weights_total is not None:
            data["weights_total"] = str(self.weights_total)
        if self.default_triggers:
            data["default_triggers"] = [t.to_dict() for t in self.default_triggers]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "") -> PledgeTemplate:
        """Build and validate a template from JSON data; errors name the source and the field."""
        where = source or tr("承诺书模板")

        def need_str(key: str, label: str) -> str:
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(tr("{where}：缺少“{label}”（{key}）").format(where=where, label=label, key=key))
            return value

        def str_list(key: str, label: str, required: bool) -> list[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError(tr("{where}：“{label}”（{key}）应为文字列表").format(where=where, label=label, key=key))
            if required and not value:
                raise ValidationError(tr("{where}：“{label}”（{key}）不能为空").format(where=where, label=label, key=key))
            return list(value)

        try:
            kind = PledgeKind(data.get("kind"))
        except ValueError:
            raise ValidationError(
                tr("{where}：承诺种类“{kind}”不认识，应为 {kinds} 之一").format(
                    where=where, kind=data.get("kind"), kinds="、".join(k.value for k in PledgeKind))
            ) from None
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValidationError(tr("{where}：版本号应为正整数，现为“{v}”").format(where=where, v=version))
        weights_total: Decimal | None = None
        if data.get("weights_total") not in (None, ""):
            try:
                weights_total = Decimal(str(data["weights_total"]))
            except InvalidOperation:
                raise ValidationError(
                    tr("{where}：权重合计“{v}”不是数字").format(where=where, v=data["weights_total"])) from None
        triggers_raw = data.get("default_triggers", [])
        if not isinstance(triggers_raw, list) or not all(isinstance(t, Mapping) for t in triggers_raw):
            raise ValidationError(tr("{where}：默认辞职情形（default_triggers）格式不对").format(where=where))
        template = cls(
            kind=kind,
            name=need_str("name", tr("模板名称")),
            version=version,
            title=need_str("title", tr("标题")),
            body=need_str("body", tr("正文")),
            signature_lines=str_list("signature_lines", tr("签名栏"), True),
            copies=str_list("copies", tr("联次"), True),
            id_number=str(data.get("id_number", "masked")),
            items_columns=str_list("items_columns", tr("目标表列名"), False),
            categories=str_list("categories", tr("目标类别"), False),
            weights_total=weights_total,
            default_triggers=[ResignationTrigger.from_dict(t) for t in triggers_raw],
        )
        validate_template(template)
        return template


# --------------------------------------------------------------------------------------------------- validation
def validate_template(template: PledgeTemplate) -> None:
    """Check a template before it is saved or used; raises ValidationError saying what and where."""
    name = template.name or tr("承诺书模板")
    if template.id_number not in _ID_DISPLAY:
        raise ValidationError(
            tr("模板“{name}”：身份证号显示方式“{v}”不对，应为 masked（隐去中间位）或 full（完整）").format(
                name=name, v=template.id_number))
    if not template.copies:
        raise ValidationError(tr("模板“{name}”：至少要有一联").format(name=name))
    for label, text in ((tr("标题"), template.title),):
        for seg in parse_text(text, label):
            if isinstance(seg, Placeholder) and seg.name in BLOCK_PLACEHOLDERS:
                raise ValidationError(tr("{where}：“{{{ph}}}”只能单独一行写在正文里").format(
                    where=_where(label, seg.line, seg.column), ph=seg.name))
    for idx, line_text in enumerate(template.signature_lines, start=1):
        label = tr("签名栏第{n}条").format(n=idx)
        for seg in parse_text(line_text, label):
            if isinstance(seg, Placeholder) and seg.name in BLOCK_PLACEHOLDERS:
                raise ValidationError(tr("{where}：“{{{ph}}}”只能单独一行写在正文里").format(
                    where=_where(label, seg.line, seg.column), ph=seg.name))
    body_label = tr("正文")
    blocks_found: set[str] = set()
    for seg in parse_text(template.body, body_label):
        if not isinstance(seg, Placeholder) or seg.name not in BLOCK_PLACEHOLDERS:
            continue
        owner = BLOCK_PLACEHOLDERS[seg.name]
        if template.kind is not owner:
            raise ValidationError(tr("{where}：“{{{ph}}}”只能用在{kind}模板里").format(
                where=_where(body_label, seg.line, seg.column), ph=seg.name, kind=kind_label(owner)))
        line_text = template.body.split("\n")[seg.line - 1]
        if line_text.strip() not in ("{" + seg.name + "}", "｛" + seg.name + "｝", "{" + seg.name + "｝",
                                     "｛" + seg.name + "}"):
            raise ValidationError(tr("{where}：“{{{ph}}}”要单独占一行，这一行不能有别的文字").format(
                where=_where(body_label, seg.line, seg.column), ph=seg.name))
        if seg.name in blocks_found:
            raise ValidationError(tr("{where}：“{{{ph}}}”只能出现一次").format(
                where=_where(body_label, seg.line, seg.column), ph=seg.name))
        blocks_found.add(seg.name)
    for ph, owner in BLOCK_PLACEHOLDERS.items():
        if template.kind is owner and ph not in blocks_found:
            raise ValidationError(tr("模板“{name}”：{kind}的正文里要有单独一行“{{{ph}}}”，标明{what}的位置").format(
                name=name, kind=kind_label(owner), ph=ph,
                what=tr("任期目标表") if owner is PledgeKind.TERM_GOALS else tr("辞职情形")))
    if template.kind is PledgeKind.TERM_GOALS:
        if len(template.items_columns) != _ITEM_COLUMNS:
            raise ValidationError(
                tr("模板“{name}”：目标表应有6列（序号、目标项目、类别、可量化目标、完成时限、权重），现有{n}列").format(
                    name=name, n=len(template.items_columns)))
        if not template.categories:
            raise ValidationError(tr("模板“{name}”：请至少列出一个目标类别").format(name=name))
    if template.kind is PledgeKind.RESIGNATION:
        if not template.default_triggers:
            raise ValidationError(tr("模板“{name}”：请至少列出一条默认辞职情形").format(name=name))
        validate_triggers(template.default_triggers)


def validate_triggers(triggers: Sequence[ResignationTrigger]) -> None:
    """Resignation triggers: at least one, each with text, no duplicates."""
    if not triggers:
        raise ValidationError(tr("辞职承诺至少要有一条辞职情形"))
    seen: set[str] = set()
    for idx, trig in enumerate(triggers, start=1):
        text = trig.text.strip()
        if not text:
            raise ValidationError(tr("第{n}条辞职情形没有内容").format(n=idx))
        if text in seen:
            raise ValidationError(tr("第{n}条辞职情形与前面重复：“{t}”").format(n=idx, t=text))
        seen.add(text)


def validate_term_goal_items(
    items: Sequence[TermGoalItem],
    election_day: _dt.date,
    categories: Sequence[str] | None = None,
    weights_total: Decimal | None = None,
    term_end: _dt.date | None = None,
) -> None:
    """Check term-goal items; errors name the item number and the field.

    Deadlines may not fall before the election day (nor after ``term_end`` when given); categories must come from the
    template's list; weights are positive and, when every remaining (not struck) item has one and the template sets a
    total, add up to that total.
    """
    if not items:
        raise ValidationError(tr("创业承诺至少要有一项任期目标"))
    for idx, item in enumerate(items, start=1):
        head = tr("第{n}项目标").format(n=idx)
        if not item.title.strip():
            raise ValidationError(tr("{head}：目标项目不能为空").format(head=head))
        if not item.target.strip():
            raise ValidationError(tr("{head}“{t}”：请填写可量化目标（如 清理河塘3处）").format(head=head, t=item.title))
        if categories is not None and item.category not in categories:
            raise ValidationError(tr("{head}“{t}”：类别“{c}”不在模板的类别中（{cats}）").format(
                head=head, t=item.title, c=item.category, cats="、".join(categories)))
        if not isinstance(item.deadline, _dt.date):
            raise ValidationError(tr("{head}“{t}”：请填写完成时限").format(head=head, t=item.title))
        if item.deadline < election_day:
            raise ValidationError(tr("{head}“{t}”：完成时限{d}早于选举日{e}，应在选举日之后").format(
                head=head, t=item.title, d=cn_date(item.deadline), e=cn_date(election_day)))
        if term_end is not None and item.deadline > term_end:
            raise ValidationError(tr("{head}“{t}”：完成时限{d}晚于任期届满{e}").format(
                head=head, t=item.title, d=cn_date(item.deadline), e=cn_date(term_end)))
        if item.weight is not None and not (Decimal(0) < item.weight <= Decimal(100)):
            raise ValidationError(tr("{head}“{t}”：权重应大于0且不超过100，现为{w}").format(
                head=head, t=item.title, w=format_weight(item.weight)))
        if item.struck and not item.strike_reason.strip():
            raise ValidationError(tr("{head}“{t}”：删去此项须写明理由").format(head=head, t=item.title))
    live = [item for item in items if not item.struck]
    if weights_total is not None and live and all(item.weight is not None for item in live):
        total = sum((item.weight for item in live if item.weight is not None), Decimal(0))
        if total != weights_total:
            raise ValidationError(tr("任期目标权重合计为{t}，应为{w}").format(
                t=format_weight(total), w=format_weight(weights_total)))


# --------------------------------------------------------------------------------------------------- context
@dataclass(frozen=True)
class PledgeFacts:
    """The facts of one candidacy that fill a template."""

    name: str
    gender: str
    id_number: str
    birth_date: _dt.date | None
    party_status: str
    village: str
    township: str
    organization: str
    post: str
    cycle_label: str  # 届次, e.g. 第十二届
    cycle_year: int
    election_day: _dt.date
    signed_on: _dt.date | None = None
    printed_on: _dt.date | None = None


def cn_date(day: _dt.date) -> str:
    """2026年3月5日."""
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def format_weight(value: Decimal) -> str:
    """A weight without trailing zeros: 20, 12.5."""
    return format(value.normalize(), "f")


def build_context(facts: PledgeFacts, id_number_display: str = "masked") -> dict[str, str]:
    """Placeholder values (by Chinese name) for one candidacy. List placeholders are not included."""
    from villagevote.idcard import mask_id_number

    if id_number_display not in _ID_DISPLAY:
        raise ValueError(f"id_number_display must be one of {_ID_DISPLAY}")
    id_text = facts.id_number if id_number_display == "full" else mask_id_number(facts.id_number)
    printed = facts.printed_on or _dt.date.today()
    return {
        "姓名": facts.name,
        "性别": facts.gender,
        "出生年月": tr("{y}年{m}月").format(y=facts.birth_date.year, m=facts.birth_date.month)
        if facts.birth_date else tr("　　年　　月"),
        "身份证号": id_text,
        "政治面貌": facts.party_status,
        "村名": facts.village,
        "乡镇": facts.township,
        "组织": facts.organization,
        "职务": facts.post,
        "届次": facts.cycle_label,
        "换届年度": str(facts.cycle_year),
        "选举日期": cn_date(facts.election_day),
        "签署日期": cn_date(facts.signed_on) if facts.signed_on else tr("　　　　年　　月　　日"),
        "打印日期": cn_date(printed),
    }


# --------------------------------------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ItemsTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Paragraph | ItemsTable


@dataclass(frozen=True)
class RenderedPledge:
    """The exact text of one pledge as printed and signed. Stored as JSON with the pledge."""

    kind: PledgeKind
    template_name: str
    template_version: int
    title: str
    blocks: tuple[Block, ...]
    signature_lines: tuple[str, ...]
    copies: tuple[str, ...]

    @property
    def text(self) -> str:
        """The whole pledge as plain text (title, paragraphs, table rows separated by tabs, signature lines)."""
        lines = [self.title, ""]
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.append("\t".join(block.columns))
                lines.extend("\t".join(row) for row in block.rows)
        lines.append("")
        lines.extend(self.signature_lines)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"type": "paragraph", "text": block.text})
            else:
                blocks.append({"type": "items", "columns": list(block.columns), "rows": [list(r) for r in block.rows]})
        return {"kind": self.kind.value, "template_name": self.template_name,
                "template_version": self.template_version, "title": self.title, "blocks": blocks,
                "signature_lines": list(self.signature_lines), "copies": list(self.copies)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RenderedPledge:
        blocks: list[Block] = []
        for raw in data["blocks"]:
            if raw["type"] == "paragraph":
                blocks.append(Paragraph(raw["text"]))
            else:
                blocks.append(ItemsTable(tuple(raw["columns"]), tuple(tuple(r) for r in raw["rows"])))
        return cls(kind=PledgeKind(data["kind"]), template_name=data["template_name"],
                   template_version=int(data["template_version"]), title=data["title"], blocks=tuple(blocks),
                   signature_lines=tuple(data["signature_lines"]), copies=tuple(data["copies"]))

    @classmethod
    def from_json(cls, text: str) -> RenderedPledge:
        return cls.from_dict(json.loads(text))


def _fill(text: str, field_label: str, context: Mapping[str, Any], template_name: str) -> str:
    out: list[str] = []
    for seg in parse_text(text, field_label):
        if isinstance(seg, str):
            out.append(seg)
            continue
        if seg.name not in context or context[seg.name] is None:
            raise ValidationError(
                tr("无法生成“{tpl}”：{where}的“{{{ph}}}”没有内容（{desc}），请先补全相关信息").format(
                    tpl=template_name, where=_where(field_label, seg.line, seg.column), ph=seg.name,
                    desc=PLACEHOLDERS[seg.name]))
        value = context[seg.name]
        out.append(cn_date(value) if isinstance(value, _dt.date) else str(value))
    return "".join(out)


def _trigger_paragraphs(triggers: Sequence[ResignationTrigger]) -> list[Paragraph]:
    paragraphs = []
    for idx, trig in enumerate(triggers, start=1):
        text = trig.text.strip().rstrip("；;。.，,")
        end = "。" if idx == len(triggers) else "；"
        paragraphs.append(Paragraph(f"（{_cn_number(idx)}）{text}{end}"))
    return paragraphs


def _cn_number(n: int) -> str:
    if n <= 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + _CN_NUMERALS[n - 10]
    if n < 100:
        return _CN_NUMERALS[n // 10] + "十" + (_CN_NUMERALS[n % 10] if n % 10 else "")
    return str(n)


def items_table(template: PledgeTemplate, items: Sequence[TermGoalItem]) -> ItemsTable:
    """The printed term-goal table; struck items are left out and the rest numbered 1, 2, 3 …"""
    rows = []
    for idx, item in enumerate((i for i in items if not i.struck), start=1):
        rows.append((str(idx), item.title.strip(), item.category, item.target.strip(), cn_date(item.deadline),
                     format_weight(item.weight) if item.weight is not None else ""))
    return ItemsTable(tuple(template.items_columns), tuple(rows))


def render(
    template: PledgeTemplate,
    context: Mapping[str, Any],
    items: Sequence[TermGoalItem] | None = None,
    triggers: Sequence[ResignationTrigger] | None = None,
) -> RenderedPledge:
    """Fill ``template`` with ``context`` (placeholder name -> value) and the lists; every placeholder must be covered.

    ``items`` is required for a 创业承诺 (at least one item that is not struck); ``triggers`` for a 辞职承诺.
    """
    validate_template(template)
    blocks: list[Block] = []
    body_label = tr("正文")
    for line_no, line_text in enumerate(template.body.split("\n"), start=1):
        stripped = line_text.strip()
        block_name = stripped[1:-1].strip() if len(stripped) > 2 and stripped[0] in _OPEN and stripped[-1] in _CLOSE \
            else ""
        if block_name == "任期目标":
            live = [i for i in (items or []) if not i.struck]
            if not live:
                raise ValidationError(tr("无法生成“{tpl}”：还没有任期目标（或全部已删去），请先填写目标").format(
                    tpl=template.name))
            blocks.append(items_table(template, items or []))
            continue
        if block_name == "辞职条件":
            if not triggers:
                raise ValidationError(tr("无法生成“{tpl}”：还没有辞职情形").format(tpl=template.name))
            validate_triggers(triggers)
            blocks.extend(_trigger_paragraphs(triggers))
            continue
        # parse_text counts lines from 1 within the text it gets; prefix newlines keep the line numbers right.
        filled = _fill("\n" * (line_no - 1) + line_text, body_label, context, template.name)[line_no - 1:]
        if filled.strip():
            blocks.append(Paragraph(filled.strip()))
    title = _fill(template.title, tr("标题"), context, template.name).strip()
    signature = tuple(
        _fill(text, tr("签名栏第{n}条").format(n=idx), context, template.name)
        for idx, text in enumerate(template.signature_lines, start=1)
    )
    return RenderedPledge(kind=template.kind, template_name=template.name, template_version=template.version,
                          title=title, blocks=tuple(blocks), signature_lines=signature, copies=tuple(template.copies))


# --------------------------------------------------------------------------------------------------- files
def default_templates_dir() -> Path:
    """``resources/pledge_templates`` (inside the PyInstaller bundle when frozen)."""
    try:
        from villagevote.resources import resource_path  # provided by the foundation

        return Path(resource_path("pledge_templates"))
    except (ImportError, AttributeError, TypeError):
        return Path(__file__).resolve().parents[2] / "resources" / "pledge_templates"


def load_template_file(path: Path | str) -> PledgeTemplate:
    """Read and validate one template JSON file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(tr("模板文件 {f} 第{line}行格式错误：{msg}").format(
            f=path.name, line=exc.lineno, msg=exc.msg)) from None
    if not isinstance(data, dict):
        raise ValidationError(tr("模板文件 {f} 格式错误：应为一个对象").format(f=path.name))
    return PledgeTemplate.from_dict(data, source=tr("模板文件 {f}").format(f=path.name))


def load_default_templates(directory: Path | str | None = None) -> dict[PledgeKind, PledgeTemplate]:
    """The shipped default template of each kind."""
    directory = Path(directory) if directory else default_templates_dir()
    templates: dict[PledgeKind, PledgeTemplate] = {}
    for path in sorted(directory.glob("*.json")):
        template = load_template_file(path)
        templates[template.kind] = template
    return templates


def iter_kinds(templates: Iterable[PledgeTemplate]) -> list[PledgeKind]:
    return [t.kind for t in templates]
