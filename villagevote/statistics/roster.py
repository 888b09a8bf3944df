"""The village-representatives roster (村民代表, for S70) and the previous cycle's roster (for S60, when the previous
cycle is not in this database): edit one by one, or import a workbook. Domain writes: permission-checked, audited,
everything in the caller's one transaction; bad rows are refused all together with the row and column named, and
then nothing is written. No ID numbers: the statistics need name, gender, birth date, political status (and for the
previous roster education, body and post).

Importing a workbook replaces the roster of every village the file names (so importing a corrected file again does
not double it) and leaves the other villages alone.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.cells import cell_text, is_blank
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.core import ElectionCycle, Village
from villagevote.models.enums import Education, Gender, OrgKind, PoliticalStatus
from villagevote.models.statistics import PreviousRosterEntry, VillageRepresentative
from villagevote.names import stroke_key
from villagevote.voters.cells import parse_date_value
from villagevote.workbooks import column_letter, open_workbook

__all__ = [
    "PREVIOUS_COLUMNS",
    "REPRESENTATIVE_COLUMNS",
    "ImportSummary",
    "PreviousRow",
    "RepresentativeData",
    "RepresentativeRow",
    "add_previous_member",
    "add_representative",
    "clear_previous_roster",
    "delete_previous_member",
    "delete_representative",
    "import_previous_roster",
    "import_representatives",
    "list_previous_roster",
    "list_representatives",
    "update_representative",
]

MAX_NAME = 64


@dataclass(frozen=True)
class RepresentativeData:
    """What a form or a workbook row gives for one representative."""
    village_id: int
    name: str
    gender: Gender | None = None
    political_status: PoliticalStatus | None = None
    birth_date: dt.date | None = None
    group_name: str = ""
    note: str = ""


@dataclass(frozen=True)
class RepresentativeRow:
    id: int
    village_id: int
    village: str
    name: str
    gender: str
    political_status: str
    birth_date: dt.date | None
    group_name: str
    note: str


@dataclass(frozen=True)
class PreviousRow:
    id: int
    village_id: int
    village: str
    name: str
    gender: str
    birth_date: dt.date | None
    education: str
    body: str
    post: str


@dataclass(frozen=True)
class ImportSummary:
    rows: int  # rows written
    villages: tuple[str, ...]  # villages whose roster was replaced
    replaced: int  # rows removed first


def _cycle(session: Session, cycle_id: int | None) -> ElectionCycle:
    if cycle_id is not None:
        return get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    cycle = session.scalar(select(ElectionCycle).order_by(ElectionCycle.election_day.desc(),
                                                          ElectionCycle.id.desc()))
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，请先在“系统”页面建立届次"))
    return cycle


def _check(session: Session, data: RepresentativeData, who: str = "") -> tuple[Village, str]:
    village = get_row(session, Village, data.village_id, tr("找不到村（编号 {id}）"))
    name = " ".join(data.name.split())
    if not name:
        raise ValidationError(tr("{who}的姓名不能为空").format(who=who or tr("村民代表")), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(tr("姓名「{name}」太长（最多 {n} 个字）").format(name=name[:20], n=MAX_NAME), field="name")
    if data.birth_date is not None and data.birth_date > dt.date.today():
        raise ValidationError(tr("{name} 的出生日期 {day} 晚于今天").format(name=name, day=data.birth_date.isoformat()),
                              field="birth_date")
    return village, name


@requires(Permission.EDIT)
def add_representative(session: Session, actor: Actor, village_id: int, name: str, *, gender: Gender | None = None,
                       political_status: PoliticalStatus | None = None, birth_date: dt.date | None = None,
                       group_name: str = "", note: str = "", cycle_id: int | None = None) -> int:
    """Add one 村民代表 of the cycle (the current one when None)."""
    data = RepresentativeData(village_id, name, gender, political_status, birth_date, group_name, note)
    _village, clean = _check(session, data)
    cycle = _cycle(session, cycle_id)
    row = VillageRepresentative(cycle_id=cycle.id, village_id=village_id, name=clean, gender=gender,
                                political_status=political_status, birth_date=birth_date,
                                group_name=group_name.strip(), note=note.strip())
    return audit.add_recorded(session, actor, "create", "village_representative", row)


@requires(Permission.EDIT)
def update_representative(session: Session, actor: Actor, representative_id: int, village_id: int, name: str, *,
                          gender: Gender | None = None, political_status: PoliticalStatus | None = None,
                          birth_date: dt.date | None = None, group_name: str = "", note: str = "") -> None:
    """Replace what is recorded of one representative (every field, as the form shows them)."""
    row = get_row(session, VillageRepresentative, representative_id, tr("找不到村民代表（编号 {id}）"))
    data = RepresentativeData(village_id, name, gender, political_status, birth_date, group_name, note)
    _village, clean = _check(session, data)
    before = audit.snapshot(row)
    row.village_id = village_id
    row.name = clean
    row.gender = gender
    row.political_status = political_status
    row.birth_date = birth_date
    row.group_name = group_name.strip()
    row.note = note.strip()
    session.flush()
    audit.record(session, actor, "update", "village_representative", row.id, before=before,
                 after=audit.snapshot(row))


@requires(Permission.EDIT)
def delete_representative(session: Session, actor: Actor, representative_id: int) -> None:
    row = get_row(session, VillageRepresentative, representative_id, tr("找不到村民代表（编号 {id}）"))
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "delete", "village_representative", representative_id, before=before)


def list_representatives(session: Session, village_id: int | None = None,
                         cycle_id: int | None = None) -> list[RepresentativeRow]:
    """The cycle's representatives (of one village when given), by village code, then 姓氏笔画."""
    cycle = _cycle(session, cycle_id)
    q = (select(VillageRepresentative, Village).join(Village, Village.id == VillageRepresentative.village_id)
         .where(VillageRepresentative.cycle_id == cycle.id))
    if village_id is not None:
        q = q.where(VillageRepresentative.village_id == village_id)
    rows = [RepresentativeRow(r.id, v.id, v.name, r.name, r.gender.label if r.gender else "",
                              r.political_status.label if r.political_status else "", r.birth_date, r.group_name,
                              r.note) for r, v in session.execute(q).tuples()]
    order = {v.id: (v.code, v.id) for v in session.scalars(select(Village))}
    return sorted(rows, key=lambda r: (order.get(r.village_id, ("", 0)), stroke_key(r.name)))


def list_previous_roster(session: Session, village_id: int | None = None,
                         cycle_id: int | None = None) -> list[PreviousRow]:
    cycle = _cycle(session, cycle_id)
    q = (select(PreviousRosterEntry, Village).join(Village, Village.id == PreviousRosterEntry.village_id)
         .where(PreviousRosterEntry.cycle_id == cycle.id))
    if village_id is not None:
        q = q.where(PreviousRosterEntry.village_id == village_id)
    rows = [PreviousRow(e.id, v.id, v.name, e.name, e.gender.label if e.gender else "", e.birth_date,
                        e.education.label if e.education else "", OrgKind(e.body).label, e.post)
            for e, v in session.execute(q).tuples()]
    order = {v.id: (v.code, v.id) for v in session.scalars(select(Village))}
    return sorted(rows, key=lambda r: (order.get(r.village_id, ("", 0)), r.body, stroke_key(r.name)))


@requires(Permission.EDIT)
def add_previous_member(session: Session, actor: Actor, village_id: int, name: str, body: OrgKind, *,
                        post: str = "", gender: Gender | None = None, birth_date: dt.date | None = None,
                        education: Education | None = None, cycle_id: int | None = None) -> int:
    """Add one member of the previous cycle's 党组织 or 村委会 by hand (when the previous cycle is not in the
    database); matched to this cycle's members by name and, when given, birth date."""
    if OrgKind(body) not in (OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE):
        raise ValidationError(tr("上届名单只记村党组织和村民委员会的成员"), field="body")
    _village, clean = _check(session, RepresentativeData(village_id, name, gender, None, birth_date),
                             tr("上届成员"))
    cycle = _cycle(session, cycle_id)
    row = PreviousRosterEntry(cycle_id=cycle.id, village_id=village_id, name=clean, gender=gender,
                              birth_date=birth_date, education=education, body=OrgKind(body), post=post.strip())
    return audit.add_recorded(session, actor, "create", "previous_roster_entry", row)


@requires(Permission.EDIT)
def delete_previous_member(session: Session, actor: Actor, entry_id: int) -> None:
    row = get_row(session, PreviousRosterEntry, entry_id, tr("找不到上届名单中的记录（编号 {id}）"))
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "delete", "previous_roster_entry", entry_id, before=before)


# ------------------------------------------------------------------------------------------------ workbooks

@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()


REPRESENTATIVE_COLUMNS: tuple[_Column, ...] = (
    _Column("village", "村", True, ("村名", "所在村", "村（社区）", "村别")),
    _Column("name", "姓名", True),
    _Column("gender", "性别", False),
    _Column("birth_date", "出生日期", False, ("出生年月",)),
    _Column("political_status", "政治面貌", False),
    _Column("group", "村民小组", False, ("小组", "组别")),
    _Column("note", "备注", False),
)
PREVIOUS_COLUMNS: tuple[_Column, ...] = (
    _Column("village", "村", True, ("村名", "所在村", "村（社区）", "村别")),
    _Column("name", "姓名", True),
    _Column("gender", "性别", False),
    _Column("birth_date", "出生日期", False, ("出生年月",)),
    _Column("education", "文化程度", False, ("学历",)),
    _Column("body", "组织", True, ("所在组织", "班子")),
    _Column("post", "职务", False),
)

_EDUCATION_ALIASES = {"高中（中专）": "高中", "高中(中专)": "高中", "中等专科": "中专", "职高": "中专", "技校": "中专",
                      "大学专科": "大专", "专科": "大专", "大学本科": "本科", "大学": "本科", "硕士": "研究生",
                      "博士": "研究生", "硕士研究生": "研究生", "博士研究生": "研究生", "初中及以下": "初中"}
_POLITICAL_ALIASES = {"党员": "中共党员", "共产党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员"}
_BODY_ALIASES = {"党组织": OrgKind.PARTY_BRANCH, "村党组织": OrgKind.PARTY_BRANCH, "党支部": OrgKind.PARTY_BRANCH,
                 "村党支部": OrgKind.PARTY_BRANCH, "党总支": OrgKind.PARTY_BRANCH, "党委": OrgKind.PARTY_BRANCH,
                 "村委会": OrgKind.VILLAGE_COMMITTEE, "村民委员会": OrgKind.VILLAGE_COMMITTEE,
                 "居委会": OrgKind.VILLAGE_COMMITTEE}


def _clean_header(value: Any) -> str:
    text = re.sub(r"[\s*＊]", "", cell_text(value))
    return re.sub(r"[（(](必填|选填|可不填)[）)]$", "", text)


def _read(path: Path, columns: Sequence[_Column], what: str) -> tuple[str, list[tuple[int, dict[str, Any]]],
                                                                     dict[str, int]]:
    """The first sheet (or the one named ``what``): header row = the first of the first five filled rows with every
    required column (else the first filled row, and an error names what it lacks); returns the sheet name,
    (sheet row number, {key: value}) of the non-blank rows and {key: column index}."""
    with open_workbook(path) as wb:
        name = what if what in wb.sheet_names else wb.sheet_names[0]
        sheet = wb.read(name)
    data = sheet.rows
    filled = [i for i, row in enumerate(data) if any(not is_blank(v) for v in row)]
    if not filled:
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」是空的").format(file=path.name, sheet=name))
    by_header = {alias: c for c in columns for alias in (c.header, *c.aliases)}

    def header_columns(at: int) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, raw in enumerate(data[at]):
            column = by_header.get(_clean_header(raw))
            if column is not None and column.key not in found:
                found[column.key] = index
        return found

    # the header is the first of the first few filled rows that has every required column (a title may precede it)
    required = {c.key for c in columns if c.required}
    header_at = next((i for i in filled[:5] if required <= header_columns(i).keys()), filled[0])
    found = header_columns(header_at)
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」第 {row} 行缺少列：{cols}（应有：{all}）").format(
            file=path.name, sheet=name, row=header_at + 1, cols="、".join(missing),
            all="、".join(c.header for c in columns)))
    cleaned = sheet.cleaned_cells([found["name"]], header_at + 1)
    if cleaned:
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」中有姓名含有看不见的字符（第 {rows} 行），未导入。"
                                 "请删除这些单元格的内容后重新输入").format(
            file=path.name, sheet=name, rows="、".join(str(r) for r, _c, _w in cleaned[:10])))
    rows: list[tuple[int, dict[str, Any]]] = []
    for index in range(header_at + 1, len(data)):
        row = data[index]
        values = {key: (row[col] if col < len(row) else None) for key, col in found.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        rows.append((index + 1, values))
    return name, rows, found


class _RowErrors:
    def __init__(self, path: Path, sheet: str, columns: dict[str, int], headers: dict[str, str]) -> None:
        self.path, self.sheet, self.columns, self.headers = path, sheet, columns, headers
        self.lines: list[str] = []

    def add(self, row: int, key: str, message: str) -> None:
        self.lines.append(tr("第 {row} 行 {col} 列（{header}）：{message}").format(
            row=row, col=column_letter(self.columns[key]), header=self.headers[key], message=message))

    def raise_any(self) -> None:
        if not self.lines:
            return
        shown = self.lines[:30]
        more = tr("\n…… 另有 {n} 处").format(n=len(self.lines) - 30) if len(self.lines) > 30 else ""
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」有 {n} 处错误，未导入任何数据：\n{lines}{more}").format(
            file=self.path.name, sheet=self.sheet, n=len(self.lines), lines="\n".join(shown), more=more))


def _villages(session: Session) -> dict[str, Village]:
    out: dict[str, Village] = {}
    for v in session.scalars(select(Village)):
        out[v.name] = v
        if v.code:
            out.setdefault(v.code, v)
    return out


def _enum(enum_cls: Any, value: Any, aliases: dict[str, str], what: str) -> Any:
    text = "".join(cell_text(value).split())
    if not text:
        return None
    text = aliases.get(text, text)
    try:
        return enum_cls.from_label(text)
    except ValueError:
        raise ValueError(tr("{what}「{text}」不是可选项（可选：{choices}）").format(
            what=what, text=text, choices="、".join(m.label for m in enum_cls))) from None


def _cell_date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    day = parse_date_value(value)
    if day > dt.date.today() or day.year < 1900:
        raise ValueError(tr("出生日期 {day} 不合理").format(day=day.isoformat()))
    return day


def _common(row: int, values: dict[str, Any], villages: dict[str, Village], errors: _RowErrors,
            ) -> tuple[Village | None, str, Gender | None, dt.date | None]:
    village = villages.get("".join(cell_text(values.get("village")).split()))
    if village is None:
        errors.add(row, "village", tr("没有名为「{name}」的村").format(name=cell_text(values.get("village"))))
    name = " ".join(cell_text(values.get("name")).split())
    if not name:
        errors.add(row, "name", tr("姓名为空"))
    elif len(name) > MAX_NAME:
        errors.add(row, "name", tr("姓名太长"))
    gender = birth = None
    if "gender" in values:
        try:
            gender = _enum(Gender, values.get("gender"), {"男性": "男", "女性": "女"}, tr("性别"))
        except ValueError as exc:
            errors.add(row, "gender", str(exc))
    if "birth_date" in values:
        try:
            birth = _cell_date(values.get("birth_date"))
        except ValueError as exc:
            errors.add(row, "birth_date", str(exc))
    return village, name, gender, birth


def _replace(session: Session, model: Any, cycle_id: int, village_ids: set[int]) -> int:
    if not village_ids:
        return 0
    result = session.execute(delete(model).where(model.cycle_id == cycle_id, model.village_id.in_(village_ids)))
    return int(getattr(result, "rowcount", 0) or 0)


@requires(Permission.EDIT)
def import_representatives(session: Session, actor: Actor, path: str | Path,
                           cycle_id: int | None = None) -> ImportSummary:
    """Read a representatives workbook (columns 村, 姓名, 性别, 出生日期, 政治面貌, 村民小组, 备注; only 村 and 姓名
    required) and replace the roster of every village it names. Any bad row: nothing is written, and every problem is
    named by row, column and header."""
    path = Path(path)
    cycle = _cycle(session, cycle_id)
    sheet, rows, columns = _read(path, REPRESENTATIVE_COLUMNS, tr("村民代表"))
    errors = _RowErrors(path, sheet, columns, {c.key: c.header for c in REPRESENTATIVE_COLUMNS})
    villages = _villages(session)
    new: list[VillageRepresentative] = []
    for row, values in rows:
        village, name, gender, birth = _common(row, values, villages, errors)
        political = None
        if "political_status" in values:
            try:
                political = _enum(PoliticalStatus, values.get("political_status"), _POLITICAL_ALIASES, tr("政治面貌"))
            except ValueError as exc:
                errors.add(row, "political_status", str(exc))
        if village is not None and name:
            new.append(VillageRepresentative(
                cycle_id=cycle.id, village_id=village.id, name=name, gender=gender, birth_date=birth,
                political_status=political, group_name=cell_text(values.get("group")),
                note=cell_text(values.get("note"))))
    errors.raise_any()
    if not new:
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」没有村民代表").format(file=path.name, sheet=sheet))
    touched = {r.village_id for r in new}
    removed = _replace(session, VillageRepresentative, cycle.id, touched)
    session.add_all(new)
    session.flush()
    names = tuple(v.name for v in sorted(_by_id(villages, touched), key=lambda v: (v.code, v.id)))
    audit.record(session, actor, "import", "village_representative", None,
                 after={"file": path.name, "rows": len(new), "villages": list(names), "replaced": removed})
    return ImportSummary(len(new), names, removed)


def _by_id(villages: dict[str, Village], ids: set[int]) -> list[Village]:
    seen: dict[int, Village] = {}
    for v in villages.values():
        if v.id in ids:
            seen[v.id] = v
    return list(seen.values())


@requires(Permission.EDIT)
def import_previous_roster(session: Session, actor: Actor, path: str | Path,
                           cycle_id: int | None = None) -> ImportSummary:
    """Read the previous cycle's 两委 roster (columns 村, 姓名, 性别, 出生日期, 文化程度, 组织 (党组织/村委会), 职务;
    村, 姓名 and 组织 required) and replace the entries of every village it names. Used for 新进/连任 and the change in
    average age when the previous cycle is not in this database. A person is matched to this cycle's members by
    name and, when given, birth date."""
    path = Path(path)
    cycle = _cycle(session, cycle_id)
    sheet, rows, columns = _read(path, PREVIOUS_COLUMNS, tr("上届名单"))
    errors = _RowErrors(path, sheet, columns, {c.key: c.header for c in PREVIOUS_COLUMNS})
    villages = _villages(session)
    new: list[PreviousRosterEntry] = []
    for row, values in rows:
        village, name, gender, birth = _common(row, values, villages, errors)
        education = None
        if "education" in values:
            try:
                education = _enum(Education, values.get("education"), _EDUCATION_ALIASES, tr("文化程度"))
            except ValueError as exc:
                errors.add(row, "education", str(exc))
        body_text = "".join(cell_text(values.get("body")).split())
        body = _BODY_ALIASES.get(body_text)
        if body is None:
            errors.add(row, "body", tr("组织「{text}」应为 党组织 或 村委会").format(text=body_text))
        if village is not None and name and body is not None:
            new.append(PreviousRosterEntry(
                cycle_id=cycle.id, village_id=village.id, name=name, gender=gender, birth_date=birth,
                education=education, body=body, post=cell_text(values.get("post"))))
    errors.raise_any()
    if not new:
        raise ValidationError(tr("文件「{file}」的工作表「{sheet}」没有上届成员").format(file=path.name, sheet=sheet))
    touched = {r.village_id for r in new}
    removed = _replace(session, PreviousRosterEntry, cycle.id, touched)
    session.add_all(new)
    session.flush()
    names = tuple(v.name for v in sorted(_by_id(villages, touched), key=lambda v: (v.code, v.id)))
    audit.record(session, actor, "import", "previous_roster_entry", None,
                 after={"file": path.name, "rows": len(new), "villages": list(names), "replaced": removed})
    return ImportSummary(len(new), names, removed)


@requires(Permission.EDIT)
def clear_previous_roster(session: Session, actor: Actor, village_id: int | None = None,
                          cycle_id: int | None = None) -> int:
    """Remove the imported previous roster (of one village, or all); returns how many entries went."""
    cycle = _cycle(session, cycle_id)
    q = delete(PreviousRosterEntry).where(PreviousRosterEntry.cycle_id == cycle.id)
    if village_id is not None:
        q = q.where(PreviousRosterEntry.village_id == village_id)
    removed = int(getattr(session.execute(q), "rowcount", 0) or 0)
    audit.record(session, actor, "delete", "previous_roster_entry", village_id,
                 before={"cycle_id": cycle.id, "village_id": village_id, "rows": removed})
    return removed
