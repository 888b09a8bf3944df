"""Qualification rule catalogs (资格条件目录) kept as JSON data under ``resources/rule_catalogs/``.

A catalog is the list of bars a candidate is checked against: 不能 (cannot stand), 不宜 (not suitable) and a township's
兜底 additions. Each rule carries its code, grade, text, an optional time window in years (counted from the event date
the reviewer records, e.g. a release date) or an "until a recorded expiry" flag (e.g. a Party-discipline bar), the
departments that usually verify it and a hint on what evidence to keep.

This module only reads and validates the files; it does not touch the database. Every problem is reported in Chinese
with the file, the rule's position and code, and the field that is wrong.

File format (``format`` 1)::

    {"format": 1, "key": "zhejiang-2013", "name": "...", "region": "浙江省", "year": 2013, "version": 1,
     "source": "浙村换发〔2013〕4号 ...", "note": "...",
     "kinship_bar": {"relations": ["spouse", "parent_child", "sibling"], "organizations": ["village_committee"],
                     "text": "..."},
     "rules": [{"code": "N1", "grade": "不能", "text": "...", "window_years": 5, "until_expiry": false,
                "event_label": "刑满释放或缓刑期满日期", "departments": ["公安", "法院"], "evidence_hint": "...",
                "covers": []}, ...]}

``covers`` tags a rule as the one a workflow raises findings against automatically: ``pledge_refusal`` (refusing to
sign the election-discipline or 竞职/创业/辞职 pledges), used by the pledges module; ``resignation_refusal`` (a
辞职承诺 trigger the cadre refused to honour), raised in the next cycle by ``qualification.findings``.
``undated_hit`` is a rule property rather than a workflow: the rule's text bars the unhandled case as well (N2
"违反计划生育政策未处理，或处理后不满5年"), so a hit recorded without an event date disqualifies.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import OrgKind, RelationKind, RuleGrade

__all__ = [
    "COVER_TAGS",
    "Catalog",
    "RuleDef",
    "builtin_catalog_dir",
    "builtin_catalog_paths",
    "catalog_to_dict",
    "load_builtin_catalogs",
    "load_catalog",
    "parse_catalog",
    "parse_grade",
    "rule_covering",
    "validate_rule_fields",
]

FORMAT_VERSION = 1

#: Workflow tags a rule may carry in ``covers``; value = Chinese description for messages.
COVER_TAGS: dict[str, str] = {
    "pledge_refusal": "拒签竞选纪律承诺书或竞职、创业、辞职承诺",
    # a 辞职承诺 trigger recorded as refused (villagevote.evaluation.resignation): a finding in the next cycle
    "resignation_refusal": "达到辞职承诺情形而拒不辞职",
    # not a workflow: marks a windowed rule whose text also bars the unhandled case ("未处理，或处理后不满5年"), so a
    # hit recorded without an event date is a hit, not a doubt (see villagevote.qualification.rules_engine)
    "undated_hit": "有此情形而未录入日期时按未处理认定",
}

_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")
_MAX_WINDOW_YEARS = 30

_GRADE_WORDS: dict[str, RuleGrade] = {
    "不能": RuleGrade.CANNOT,
    "不宜": RuleGrade.UNSUITABLE,
    "兜底": RuleGrade.FALLBACK,
    "cannot": RuleGrade.CANNOT,
    "unsuitable": RuleGrade.UNSUITABLE,
    "fallback": RuleGrade.FALLBACK,
}
_GRADE_TO_WORD: dict[RuleGrade, str] = {
    RuleGrade.CANNOT: "不能",
    RuleGrade.UNSUITABLE: "不宜",
    RuleGrade.FALLBACK: "兜底",
}


@dataclass(frozen=True)
class RuleDef:
    """One qualification rule as read from a catalog (or from the database)."""

    code: str
    grade: RuleGrade
    text: str
    window_years: int | None = None
    until_expiry: bool = False
    departments: tuple[str, ...] = ()
    evidence_hint: str = ""
    event_label: str = ""
    covers: tuple[str, ...] = ()

    @property
    def grade_label(self) -> str:
        return self.grade.label

    @property
    def time_limit_label(self) -> str:
        """Chinese description of the time limit, for tables and prints."""
        if self.window_years:
            return tr("{n}年内").format(n=self.window_years)
        if self.until_expiry:
            return tr("至期满日")
        return tr("不限")


@dataclass(frozen=True)
class Catalog:
    """A whole catalog: identification, source note, kinship bar and rules in display order."""

    key: str
    name: str
    region: str
    year: int
    version: int
    source: str
    note: str = ""
    kinship_relations: tuple[RelationKind, ...] = ()
    kinship_organizations: tuple[OrgKind, ...] = ()
    kinship_text: str = ""
    rules: tuple[RuleDef, ...] = field(default_factory=tuple)

    def rule(self, code: str) -> RuleDef:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)

    def count(self, grade: RuleGrade) -> int:
        return sum(1 for rule in self.rules if rule.grade is grade)


def builtin_catalog_dir() -> Path:
    """The folder holding the shipped catalogs (the PyInstaller bundle dir when frozen)."""
    try:
        from villagevote.resources import resource_path  # provided by the foundation
    except ImportError:  # pragma: no cover - only before the foundation lands
        return Path(__file__).resolve().parents[2] / "resources" / "rule_catalogs"
    return Path(resource_path("rule_catalogs"))


def builtin_catalog_paths() -> list[Path]:
    """Shipped catalog files, sorted by file name."""
    folder = builtin_catalog_dir()
    return sorted(folder.glob("*.json"))


def load_builtin_catalogs() -> list[Catalog]:
    """Read and validate every shipped catalog."""
    return [load_catalog(path) for path in builtin_catalog_paths()]


def load_catalog(path: str | Path) -> Catalog:
    """Read one catalog file; raises :class:`ValidationError` naming the file and the problem."""
    path = Path(path)
    origin = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(tr("找不到规则目录文件：{path}").format(path=path)) from None
    except UnicodeDecodeError:
        raise ValidationError(tr("规则目录 {file} 不是 UTF-8 编码的文本文件").format(file=origin)) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            tr("规则目录 {file} 不是有效的 JSON：第{line}行第{col}列，{msg}").format(
                file=origin, line=exc.lineno, col=exc.colno, msg=exc.msg
            )
        ) from None
    return parse_catalog(data, origin=origin)


def parse_grade(value: object) -> RuleGrade:
    """'不能'/'不宜'/'兜底' (or the English codes) -> :class:`RuleGrade`; raises ValidationError otherwise."""
    if isinstance(value, RuleGrade):
        return value
    if isinstance(value, str) and value.strip() in _GRADE_WORDS:
        return _GRADE_WORDS[value.strip()]
    raise ValidationError(tr("等级应为「不能」「不宜」或「兜底」，实际为「{value}」").format(value=value))


def validate_rule_fields(
    code: object,
    grade: object,
    text: object,
    window_years: object = None,
    until_expiry: object = False,
    departments: object = (),
    evidence_hint: object = "",
    event_label: object = "",
    covers: object = (),
) -> RuleDef:
    """Check the fields of one rule and return it normalised; raises ValidationError naming the bad field.

    Used both for catalog files and for rules an administrator edits or adds in the application.
    """
    if not isinstance(code, str) or not _CODE_RE.match(code.strip()):
        raise ValidationError(
            tr("规则编号「{code}」不合格式：应以字母开头，由字母、数字、- 或 _ 组成，最长16位").format(code=code)
        )
    code = code.strip()
    grade_enum = parse_grade(grade)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(tr("规则 {code} 的条件内容为空").format(code=code))
    if len(text.strip()) > 300:
        raise ValidationError(tr("规则 {code} 的条件内容超过300字").format(code=code))
    if window_years in ("", 0):
        window_years = None
    if window_years is not None:
        if isinstance(window_years, bool) or not isinstance(window_years, int):
            raise ValidationError(
                tr("规则 {code} 的期限年数应为整数或留空，实际为「{value}」").format(code=code, value=window_years)
            )
        if not 1 <= window_years <= _MAX_WINDOW_YEARS:
            raise ValidationError(
                tr("规则 {code} 的期限年数应在1到{max}之间，实际为 {value}").format(
                    code=code, max=_MAX_WINDOW_YEARS, value=window_years
                )
            )
    if not isinstance(until_expiry, bool):
        raise ValidationError(
            tr("规则 {code} 的「至期满日」应为 true 或 false，实际为「{value}」").format(code=code, value=until_expiry)
        )
    if window_years is not None and until_expiry:
        raise ValidationError(
            tr("规则 {code} 不能同时设定期限年数（{n}年）和「至期满日」，只能选一种").format(code=code, n=window_years)
        )
    if isinstance(departments, str):
        departments = [part for part in re.split(r"[、，,;；\s]+", departments) if part]
    if not isinstance(departments, (list, tuple)) or not departments:
        raise ValidationError(tr("规则 {code} 没有填写核查部门（至少一个）").format(code=code))
    depts: list[str] = []
    for dept in departments:
        if not isinstance(dept, str) or not dept.strip():
            raise ValidationError(tr("规则 {code} 的核查部门中有空项").format(code=code))
        if dept.strip() in depts:
            raise ValidationError(
                tr("规则 {code} 的核查部门「{dept}」重复").format(code=code, dept=dept.strip())
            )
        depts.append(dept.strip())
    if not isinstance(evidence_hint, str):
        raise ValidationError(tr("规则 {code} 的证据提示应为文字").format(code=code))
    if not isinstance(event_label, str):
        raise ValidationError(tr("规则 {code} 的事件日期名称应为文字").format(code=code))
    if covers is None:
        covers = ()
    if not isinstance(covers, (list, tuple)):
        raise ValidationError(tr("规则 {code} 的 covers 应为列表").format(code=code))
    for tag in covers:
        if tag not in COVER_TAGS:
            raise ValidationError(
                tr("规则 {code} 的 covers 中「{tag}」不是已知的用途标记（可用：{known}）").format(
                    code=code, tag=tag, known="、".join(COVER_TAGS)
                )
            )
    return RuleDef(
        code=code,
        grade=grade_enum,
        text=text.strip(),
        window_years=window_years,
        until_expiry=until_expiry,
        departments=tuple(depts),
        evidence_hint=evidence_hint.strip(),
        event_label=event_label.strip(),
        covers=tuple(covers),
    )


def _require(data: dict[str, Any], key: str, kind: type, origin: str) -> Any:
    if key not in data:
        raise ValidationError(tr("规则目录 {file} 缺少字段「{key}」").format(file=origin, key=key))
    value = data[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(
            tr("规则目录 {file} 的字段「{key}」应为整数，实际为「{value}」").format(file=origin, key=key, value=value)
        )
    if kind is str and (not isinstance(value, str) or not value.strip()):
        raise ValidationError(tr("规则目录 {file} 的字段「{key}」应为非空文字").format(file=origin, key=key))
    if kind is list and not isinstance(value, list):
        raise ValidationError(tr("规则目录 {file} 的字段「{key}」应为列表").format(file=origin, key=key))
    return value.strip() if isinstance(value, str) else value


def parse_catalog(data: object, origin: str = "") -> Catalog:
    """Validate a decoded catalog (a dict) and return it; ``origin`` names the file in messages."""
    origin = origin or tr("（未命名）")
    if not isinstance(data, dict):
        raise ValidationError(tr("规则目录 {file} 的最外层应为一个对象（{{…}}）").format(file=origin))
    fmt = data.get("format")
    if fmt != FORMAT_VERSION:
        raise ValidationError(
            tr("规则目录 {file} 的格式版本为「{fmt}」，本程序只能读取版本 {expected}").format(
                file=origin, fmt=fmt, expected=FORMAT_VERSION
            )
        )
    key = _require(data, "key", str, origin)
    name = _require(data, "name", str, origin)
    region = _require(data, "region", str, origin)
    year = _require(data, "year", int, origin)
    version = _require(data, "version", int, origin)
    if version < 1:
        raise ValidationError(tr("规则目录 {file} 的版本号应从1开始，实际为 {v}").format(file=origin, v=version))
    source = _require(data, "source", str, origin)
    note = data.get("note", "") or ""

    relations: tuple[RelationKind, ...] = ()
    organizations: tuple[OrgKind, ...] = ()
    kinship_text = ""
    bar = data.get("kinship_bar")
    if bar is not None:
        if not isinstance(bar, dict):
            raise ValidationError(tr("规则目录 {file} 的 kinship_bar 应为对象").format(file=origin))
        try:
            relations = tuple(RelationKind(v) for v in bar.get("relations", []))
        except ValueError as exc:
            raise ValidationError(
                tr("规则目录 {file} 的亲属回避关系「{value}」不认识（可用：spouse、parent_child、sibling、near_relative）").format(
                    file=origin, value=exc.args[0] if exc.args else ""
                )
            ) from None
        try:
            organizations = tuple(OrgKind(v) for v in bar.get("organizations", []))
        except ValueError:
            raise ValidationError(
                tr("规则目录 {file} 的亲属回避组织类型不认识（可用：party_branch、village_committee、"
                   "supervision_committee、coop）").format(file=origin)
            ) from None
        kinship_text = str(bar.get("text", "") or "")

    raw_rules = _require(data, "rules", list, origin)
    if not raw_rules:
        raise ValidationError(tr("规则目录 {file} 没有任何规则").format(file=origin))
    rules: list[RuleDef] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rules, start=1):
        where = tr("规则目录 {file} 第{n}条规则").format(file=origin, n=index)
        if not isinstance(raw, dict):
            raise ValidationError(tr("{where}应为对象").format(where=where))
        for required in ("code", "grade", "text", "departments"):
            if required not in raw:
                raise ValidationError(tr("{where}缺少字段「{key}」").format(where=where, key=required))
        try:
            rule = validate_rule_fields(
                raw.get("code"),
                raw.get("grade"),
                raw.get("text"),
                raw.get("window_years"),
                raw.get("until_expiry", False),
                raw.get("departments"),
                raw.get("evidence_hint", ""),
                raw.get("event_label", ""),
                raw.get("covers", ()),
            )
        except ValidationError as exc:
            raise ValidationError(tr("{where}：{msg}").format(where=where, msg=exc.message)) from None
        if rule.code in seen:
            raise ValidationError(
                tr("{where}的编号 {code} 与第{first}条重复").format(where=where, code=rule.code, first=seen[rule.code])
            )
        seen[rule.code] = index
        rules.append(rule)
    return Catalog(
        key=key,
        name=name,
        region=region,
        year=year,
        version=version,
        source=source,
        note=str(note).strip(),
        kinship_relations=relations,
        kinship_organizations=organizations,
        kinship_text=kinship_text.strip(),
        rules=tuple(rules),
    )


def catalog_to_dict(catalog: Catalog) -> dict[str, Any]:
    """The JSON form of a catalog (round-trips through :func:`parse_catalog`)."""
    return {
        "format": FORMAT_VERSION,
        "key": catalog.key,
        "name": catalog.name,
        "region": catalog.region,
        "year": catalog.year,
        "version": catalog.version,
        "source": catalog.source,
        "note": catalog.note,
        "kinship_bar": {
            "relations": [r.value for r in catalog.kinship_relations],
            "organizations": [o.value for o in catalog.kinship_organizations],
            "text": catalog.kinship_text,
        },
        "rules": [
            {
                "code": r.code,
                "grade": _GRADE_TO_WORD[r.grade],
                "text": r.text,
                "window_years": r.window_years,
                "until_expiry": r.until_expiry,
                "event_label": r.event_label,
                "departments": list(r.departments),
                "evidence_hint": r.evidence_hint,
                "covers": list(r.covers),
            }
            for r in catalog.rules
        ],
    }


def rule_covering(rules: list[RuleDef] | tuple[RuleDef, ...], tag: str) -> RuleDef | None:
    """The first rule tagged with ``tag`` (e.g. ``pledge_refusal``), or None when the catalog has none."""
    if tag not in COVER_TAGS:
        raise ValueError(f"unknown cover tag {tag!r}")
    for rule in rules:
        if tag in rule.covers:
            return rule
    return None
