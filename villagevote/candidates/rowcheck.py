"""Checking imported registration rows against what the township's database knows (pure: no session, no Qt).

:func:`check_rows` turns the raw rows read from a workbook into :class:`ImportPreview`: the good rows, ready to
write, and every bad row with its sheet row number and all its problems in Chinese. Nothing here writes; the caller
(``villagevote.candidates.importing``) builds the :class:`ImportContext` from the database and commits the preview
in one transaction.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from villagevote.candidates.checks import PersonFacts, check_person, clean_name
from villagevote.cells import cell_text
from villagevote.i18n import tr
from villagevote.idcard import IdInfo
from villagevote.models.enums import Education, Gender, NominationSource, OrgKind, PoliticalStatus

__all__ = ["ImportContext", "ImportPreview", "ParsedRow", "RowError", "check_rows", "parse_date"]


@dataclass
class ImportContext:
    """What the checks need to know about the database (plain data)."""

    today: dt.date
    election_day: dt.date | None
    villages: dict[str, int]  # village name -> id
    organizations: dict[tuple[int, OrgKind], int]  # (village id, kind) -> organization id
    posts: dict[int, list[str]]  # organization id -> its posts (from its seats)
    groups: dict[tuple[int, str], int] = field(default_factory=dict)  # (village id, name or number) -> group id
    persons: dict[str, tuple[int, str]] = field(default_factory=dict)  # id number -> (person id, name)
    candidacies: set[tuple[int, int, str]] = field(default_factory=set)  # (person id, organization id, post)


@dataclass
class ParsedRow:
    row: int
    name: str
    id_info: IdInfo
    gender: Gender
    education: Education | None
    political_status: PoliticalStatus | None
    party_join_date: dt.date | None
    phone: str
    village_id: int
    village_name: str
    group_id: int | None
    current_post: str
    organization_id: int
    org_kind: OrgKind
    post: str
    source: NominationSource
    incumbent: bool
    existing_person_id: int | None = None


@dataclass(frozen=True)
class RowError:
    row: int
    name: str
    problems: tuple[str, ...]

    @property
    def message(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return tr("第{row}行{who}：{problems}").format(row=self.row, who=who, problems="；".join(self.problems))


@dataclass
class ImportPreview:
    good: list[ParsedRow]
    errors: list[RowError]
    total: int

    @property
    def clean(self) -> bool:
        return not self.errors

    def error_text(self, limit: int | None = None) -> str:
        lines = [e.message for e in (self.errors if limit is None else self.errors[:limit])]
        if limit is not None and len(self.errors) > limit:
            lines.append(tr("……另有{n}行有误").format(n=len(self.errors) - limit))
        return "\n".join(lines)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def parse_date(value: Any) -> dt.date:
    """A date from a cell: a date, '2008-07-01', '2008/7/1', '2008年7月1日', '20080701' or '2008.07' (→ 1st).

    Raises ``ValueError`` with a Chinese message.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    m = _MONTH_PATTERN.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    raise ValueError(tr("「{text}」不是有效的日期（应如 2008-07-01）").format(text=text))


def _choice(enum_cls: Any, value: Any, what: str, problems: list[str]) -> Any:
    text = cell_text(value)
    if not text:
        return None
    try:
        return enum_cls.from_label(text)
    except ValueError:
        problems.append(
            tr("{what}「{text}」不是可选项（可选：{choices}）").format(
                what=what, text=text, choices="、".join(m.label for m in enum_cls)
            )
        )
        return None


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], ctx: ImportContext) -> ImportPreview:
    """Check every row; return the good ones and every bad one with all of its problems."""
    good: list[ParsedRow] = []
    errors: list[RowError] = []
    seen_keys: dict[tuple[str, int, str], int] = {}  # (id number, org id, post) -> first row
    seen_names: dict[str, tuple[int, str]] = {}  # id number -> (first row, name)
    total = 0
    for row_no, raw in rows:
        total += 1
        problems: list[str] = []
        name = clean_name(raw.get("name"))
        education = _choice(Education, raw.get("education"), tr("文化程度"), problems)
        political = _choice(PoliticalStatus, raw.get("political_status"), tr("政治面貌"), problems)
        source = _choice(NominationSource, raw.get("source"), tr("推荐方式"), problems)
        if source is None and not cell_text(raw.get("source")):
            problems.append(tr("推荐方式为空"))

        join_date: dt.date | None = None
        if cell_text(raw.get("party_join_date")):
            try:
                join_date = parse_date(raw.get("party_join_date"))
            except ValueError as exc:
                problems.append(tr("入党时间：{msg}").format(msg=exc.args[0]))
        phone = cell_text(raw.get("phone"))
        org_kind = _choice(OrgKind, raw.get("organization"), tr("参选组织"), problems)

        # The one person-and-candidacy check (the person dialog and register_candidacy run the same one).
        facts = PersonFacts(name, raw.get("id_number"), political, join_date, phone)
        checked = check_person(facts, today=ctx.today, election_day=ctx.election_day, org_kind=org_kind)
        info: IdInfo | None = checked.id_info
        known = ctx.persons.get(info.number) if info is not None else None
        if known is not None and known[1] != name and name:
            checked = check_person(facts, today=ctx.today, election_day=ctx.election_day, org_kind=org_kind,
                                   holder=known)
        problems[:0] = checked.texts()

        gender: Gender | None = None
        if info is not None:
            gender = Gender.MALE if info.gender == "男" else Gender.FEMALE
            given = _choice(Gender, raw.get("gender"), tr("性别"), problems)
            if given is not None and given is not gender:
                problems.append(
                    tr("性别填的是「{given}」，但身份证号码第17位表明是「{id_gender}」").format(
                        given=given.label, id_gender=info.gender
                    )
                )

        incumbent_text = cell_text(raw.get("incumbent"))
        incumbent = False
        if incumbent_text in ("是", "Y", "y", "1"):
            incumbent = True
        elif incumbent_text not in ("", "否", "N", "n", "0"):
            problems.append(tr("是否现任应填「是」或「否」，实际为「{v}」").format(v=incumbent_text))

        village_name = cell_text(raw.get("village"))
        village_id = ctx.villages.get(village_name) if village_name else None
        if not village_name:
            problems.append(tr("所在村为空"))
        elif village_id is None:
            problems.append(
                tr("所在村「{v}」不在本乡镇的村名单中（可选：{choices}）").format(
                    v=village_name, choices="、".join(ctx.villages)
                )
            )

        group_id: int | None = None
        group_text = cell_text(raw.get("group"))
        if group_text and village_id is not None:
            group_id = ctx.groups.get((village_id, group_text))
            if group_id is None:
                digits = re.sub(r"\D", "", group_text)
                group_id = ctx.groups.get((village_id, digits)) if digits else None
            if group_id is None:
                problems.append(tr("村民小组「{g}」不是{v}的村民小组").format(g=group_text, v=village_name))

        if org_kind is None and not cell_text(raw.get("organization")):
            problems.append(tr("参选组织为空"))
        org_id: int | None = None
        if org_kind is not None and village_id is not None:
            org_id = ctx.organizations.get((village_id, org_kind))
            if org_id is None:
                problems.append(tr("{v}本届没有设立{org}").format(v=village_name, org=org_kind.label))
        post = cell_text(raw.get("post"))
        if not post:
            problems.append(tr("参选职务为空"))
        elif org_id is not None and post not in ctx.posts.get(org_id, []):
            problems.append(
                tr("「{post}」不是{v}{org}的职务（可选：{choices}）").format(
                    post=post, v=village_name, org=org_kind.label if org_kind else "",
                    choices="、".join(ctx.posts.get(org_id, [])) or tr("无，请先设置职数"),
                )
            )

        existing_person: int | None = None
        if info is not None and name:
            first = seen_names.get(info.number)
            if first is not None and first[1] != name:
                problems.append(
                    tr("身份证号码与第{row}行相同，但姓名不同（第{row}行为「{other}」）").format(
                        row=first[0], other=first[1]
                    )
                )
            else:
                seen_names.setdefault(info.number, (row_no, name))
            if known is not None and known[1] == name:
                existing_person = known[0]
            if org_id is not None and post:
                key = (info.number, org_id, post)
                if key in seen_keys:
                    problems.append(tr("与第{row}行重复（同一人、同一组织、同一职务）").format(row=seen_keys[key]))
                else:
                    seen_keys[key] = row_no
                if existing_person is not None and (existing_person, org_id, post) in ctx.candidacies:
                    problems.append(
                        tr("此人已登记参选{v}{org}{post}，不能重复登记").format(
                            v=village_name, org=org_kind.label if org_kind else "", post=post
                        )
                    )

        if problems:
            errors.append(RowError(row_no, name, tuple(problems)))
            continue
        assert info is not None and gender is not None and village_id is not None and org_id is not None
        assert org_kind is not None and source is not None
        good.append(
            ParsedRow(
                row=row_no,
                name=name,
                id_info=info,
                gender=gender,
                education=education,
                political_status=political,
                party_join_date=join_date,
                phone=phone,
                village_id=village_id,
                village_name=village_name,
                group_id=group_id,
                current_post=cell_text(raw.get("current_post")),
                organization_id=org_id,
                org_kind=org_kind,
                post=post,
                source=source,
                incumbent=incumbent,
                existing_person_id=existing_person,
            )
        )
    return ImportPreview(good=good, errors=errors, total=total)
