"""The one person-and-candidacy check (pure: plain data in, Chinese problems out; no session, no Qt).

Every path that registers a person or a candidacy calls :func:`check_person`: the person dialog
(``persons.register_person`` / ``update_person``), the candidacy registration (``candidacies.register_candidacy``)
and the workbook import (``rowcheck.check_rows``). So the same bad input gets the same answer whichever way it came:

* name: 2 to 20 Chinese characters;
* ID number: GB 11643 (:func:`villagevote.idcard.parse_id_number`), not registered to somebody else;
* age: at least 18 full years on the cycle's election day (when a candidacy is checked);
* Party join date: not in the future, not before birth, at 18 or later (Party constitution: 年满十八岁), and only for
  Party members (正式 or 预备);
* standing for the Party organization: full Party members only (预备党员 have no right to be elected);
* phone: digits.

Each problem names the field; :attr:`Problem.message` also names the person, for paths that show one person at a time
(a workbook row error already names the row and the person, and uses :attr:`Problem.text`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from villagevote.cells import cell_text
from villagevote.i18n import tr
from villagevote.idcard import IdInfo, InvalidIdNumber, age_on, parse_id_number
from villagevote.models.enums import OrgKind, PoliticalStatus

__all__ = ["MIN_CANDIDATE_AGE", "PersonCheck", "PersonFacts", "Problem", "check_person", "clean_name"]

#: Minimum age on the election day (组织法 §13: 年满十八周岁的村民有选举权和被选举权).
MIN_CANDIDATE_AGE = 18
#: Minimum age at joining the Party (党章 第一条: 年满十八岁).
MIN_PARTY_JOIN_AGE = 18

_NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·•]{2,20}$")
_PHONE_RE = re.compile(r"^[0-9\-+ ]{7,20}$")
_MEMBERS = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)


# Chinese field label of a Problem -> the field name forms register (see ValidationError.field)
_FIELD_KEYS = {tr("姓名"): "name", tr("身份证号码"): "id_number", tr("年龄"): "id_number",
               tr("入党时间"): "party_join_date", tr("政治面貌"): "political_status", tr("联系电话"): "phone"}


@dataclass(frozen=True)
class PersonFacts:
    """What is known of a person, however it arrived (typed in a dialog, read from a workbook row, stored)."""

    name: str
    id_number: Any  # as typed or as read from a cell (text, int, float)
    political_status: PoliticalStatus | None = None
    party_join_date: dt.date | None = None
    phone: str = ""
    birth_date: dt.date | None = None  # only used when a stored person has no ID number


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one person: which field, and what."""

    person: str  # the name as given (may be empty or invalid)
    field: str  # Chinese field label, e.g. 身份证号码
    detail: str  # Chinese, already names the field where that reads better

    @property
    def key(self) -> str | None:
        """The form field this problem concerns (the name a dialog registers it under), when it is one."""
        return _FIELD_KEYS.get(self.field)

    @property
    def text(self) -> str:
        """The problem without the person (for a row error that names the row and the person already)."""
        return self.detail

    @property
    def message(self) -> str:
        """The problem naming the person."""
        if not self.person:
            return self.detail
        return tr("{name}：{detail}").format(name=self.person, detail=self.detail)


@dataclass
class PersonCheck:
    name: str  # normalised (blanks removed)
    id_info: IdInfo | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def texts(self) -> list[str]:
        return [p.text for p in self.problems]

    def message(self) -> str:
        """All problems in one Chinese message naming the person once."""
        details = "；".join(p.detail for p in self.problems)
        return tr("{name}：{details}").format(name=self.name, details=details) if self.name else details


def clean_name(value: Any) -> str:
    return re.sub(r"\s+", "", cell_text(value))


def _cn(day: dt.date) -> str:
    return day.isoformat()


def check_person(
    facts: PersonFacts,
    *,
    today: dt.date,
    election_day: dt.date | None = None,
    holder: tuple[int, str] | None = None,
    person_id: int | None = None,
    org_kind: OrgKind | None = None,
) -> PersonCheck:
    """Every problem with ``facts``; nothing is raised.

    ``holder`` is the registered person (id, name) who already has this ID number, if any; ``person_id`` the person
    being edited (or the one an import row refers to), who may hold their own number. ``election_day`` turns on the
    age check (a candidacy in a cycle); ``org_kind`` the Party-organization membership check.
    """
    name = clean_name(facts.name)
    problems: list[Problem] = []

    def add(field_label: str, detail: str) -> None:
        problems.append(Problem(name, field_label, detail))

    if not name:
        add(tr("姓名"), tr("姓名为空"))
    elif not _NAME_RE.match(name):
        add(tr("姓名"), tr("姓名「{name}」应为2至20个汉字").format(name=name))

    info: IdInfo | None = None
    birth = facts.birth_date
    if cell_text(facts.id_number) or birth is None:
        try:
            info = parse_id_number(facts.id_number, today=today)
        except InvalidIdNumber as exc:
            add(tr("身份证号码"), tr("身份证号码：{msg}").format(msg=exc.message))
        else:
            birth = info.birth_date
    if info is not None and holder is not None and holder[0] != person_id:
        add(tr("身份证号码"), tr("身份证号码 {number} 已登记给「{other}」，不能重复登记").format(
            number=info.number, other=holder[1]))

    if election_day is not None and birth is not None and age_on(birth, election_day) < MIN_CANDIDATE_AGE:
        add(tr("年龄"), tr("选举日（{day}）未满{age}周岁（出生于{birth}）").format(
            day=_cn(election_day), age=MIN_CANDIDATE_AGE, birth=_cn(birth)))

    join = facts.party_join_date
    if join is not None:
        if join > today:
            add(tr("入党时间"), tr("入党时间 {date} 晚于今天（{today}）").format(date=_cn(join), today=_cn(today)))
        elif birth is not None and join < birth:
            add(tr("入党时间"), tr("入党时间 {date} 早于出生日期 {birth}").format(date=_cn(join), birth=_cn(birth)))
        elif birth is not None and age_on(birth, join) < MIN_PARTY_JOIN_AGE:
            add(tr("入党时间"), tr("入党时间 {date} 时未满{age}周岁（出生于{birth}），请核对").format(
                date=_cn(join), age=MIN_PARTY_JOIN_AGE, birth=_cn(birth)))
        if facts.political_status not in _MEMBERS:
            status = facts.political_status.label if facts.political_status else tr("未填写")
            add(tr("入党时间"), tr("政治面貌为「{status}」，却填写了入党时间（只有中共党员或预备党员才填写入党时间）").format(
                status=status))

    if org_kind is OrgKind.PARTY_BRANCH and facts.political_status is not PoliticalStatus.PARTY_MEMBER:
        status = facts.political_status.label if facts.political_status else tr("未填写")
        add(tr("政治面貌"), tr("政治面貌为「{status}」：参选村党组织须为中共正式党员（预备党员没有被选举权）").format(
            status=status))

    phone = (facts.phone or "").strip()
    if phone and not _PHONE_RE.match(phone):
        add(tr("联系电话"), tr("联系电话「{phone}」应为数字").format(phone=phone))

    return PersonCheck(name=name, id_info=info, problems=problems)
