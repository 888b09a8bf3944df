"""Persons (人员) and their relationships: register, edit, search; ID numbers validated per GB 11643."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.candidates.checks import PersonFacts, check_person
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.idcard import InvalidIdNumber, parse_id_number
from villagevote.lookup import get_row
from villagevote.models import Person, Relationship, Village
from villagevote.models.enums import Education, Gender, PoliticalStatus, RelationKind
from villagevote.names import matches, pinyin_initials, stroke_key
from villagevote.versioning import check_version

__all__ = [
    "PersonData",
    "PersonRow",
    "add_relationship",
    "find_persons",
    "person_by_id_number",
    "register_person",
    "relationships_of",
    "remove_relationship",
    "update_person",
]

@dataclass
class PersonData:
    """Fields a clerk types for a person; birth date and gender come from the ID number."""

    name: str
    id_number: str
    education: Education | None = None
    political_status: PoliticalStatus | None = None
    party_join_date: dt.date | None = None
    phone: str = ""
    village_id: int | None = None
    group_id: int | None = None
    current_post: str = ""
    note: str = ""


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    id_number: str
    gender: str
    birth_date: dt.date | None
    village: str
    political_status: str
    phone: str


def _check(session: Session, data: PersonData, today: dt.date, person_id: int | None) -> tuple[str, Any]:
    """The shared person check (:func:`villagevote.candidates.checks.check_person`) plus the village lookup."""
    facts = PersonFacts(data.name or "", data.id_number, data.political_status, data.party_join_date, data.phone or "")
    first = check_person(facts, today=today)
    holder = None
    if first.id_info is not None:
        other = session.execute(
            select(Person.id, Person.name).where(Person.id_number == first.id_info.number)
        ).first()
        holder = (other[0], other[1]) if other is not None else None
    checked = check_person(facts, today=today, holder=holder, person_id=person_id) if holder else first
    if checked.problems:
        raise ValidationError(checked.message(), field=checked.problems[0].key)
    if data.village_id is not None and session.get(Village, data.village_id) is None:
        raise NotFound(tr("找不到所选的村（编号 {id}）").format(id=data.village_id))
    return checked.name, checked.id_info


def _apply(person: Person, data: PersonData, name: str, info: Any) -> None:
    person.name = name
    person.name_initials = pinyin_initials(name)
    person.id_number = info.number
    person.birth_date = info.birth_date
    person.gender = Gender.MALE if info.gender == "男" else Gender.FEMALE
    person.education = data.education
    person.political_status = data.political_status
    person.party_join_date = data.party_join_date
    person.phone = (data.phone or "").strip()
    person.village_id = data.village_id
    person.group_id = data.group_id
    person.current_post = (data.current_post or "").strip()
    person.note = data.note or ""


@requires(Permission.EDIT)
def register_person(session: Session, actor: Actor, data: PersonData, today: dt.date | None = None) -> int:
    """Register a person; refuses an invalid or already registered ID number. Returns the new id."""
    name, info = _check(session, data, today or dt.date.today(), None)
    person = Person()
    _apply(person, data, name, info)
    return audit.add_recorded(session, actor, "register", "person", person)


@requires(Permission.EDIT)
def update_person(
    session: Session, actor: Actor, person_id: int, data: PersonData, today: dt.date | None = None, *,
    expected_version: int | None = None,
) -> None:
    """Save a person's edited fields. ``expected_version`` is the ``version`` the clerk's form loaded: when someone
    else saved the person since, EditConflict (naming the person) and nothing is saved."""
    person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
    check_version(session, person, expected_version, tr("人员“{name}”").format(name=person.name), "person")
    name, info = _check(session, data, today or dt.date.today(), person_id)
    before = audit.snapshot(person)
    _apply(person, data, name, info)
    session.flush()
    audit.record(session, actor, "update", "person", person.id, before=before, after=audit.snapshot(person))


def person_by_id_number(session: Session, text: str) -> Person | None:
    try:
        number = parse_id_number(text).number
    except InvalidIdNumber:
        return None
    return session.scalar(select(Person).where(Person.id_number == number))


def find_persons(session: Session, query: str, village_id: int | None = None, limit: int = 200) -> list[PersonRow]:
    """Persons matching a name fragment, pinyin initials ('zs' finds 张三), full pinyin or an ID-number fragment.

    Results are in surname-stroke order.
    """
    q = (query or "").strip()
    stmt = select(Person, Village.name).outerjoin(Village, Person.village_id == Village.id)
    if village_id is not None:
        stmt = stmt.where(Person.village_id == village_id)
    if q and re.fullmatch(r"[0-9xX]{3,18}", q):
        stmt = stmt.where(Person.id_number.like(f"%{q.upper()}%"))
        candidates = session.execute(stmt).all()
    elif q and q.isascii() and q.isalpha():
        # initials and full-pinyin prefixes, every reading of a 多音字 tried (a township has a few thousand persons)
        candidates = [r for r in session.execute(stmt).all() if matches(r[0].name, q)]
    elif q:
        candidates = [r for r in session.execute(stmt.where(Person.name.like(f"%{q}%"))).all()]
    else:
        candidates = session.execute(stmt).all()
    rows = [
        PersonRow(
            id=p.id,
            name=p.name,
            id_number=p.id_number or "",
            gender=p.gender.label if p.gender else "",
            birth_date=p.birth_date,
            village=vname or "",
            political_status=p.political_status.label if p.political_status else "",
            phone=p.phone,
        )
        for p, vname in candidates
    ]
    rows.sort(key=lambda r: stroke_key(r.name))
    return rows[:limit]


@requires(Permission.EDIT)
def add_relationship(
    session: Session, actor: Actor, person_a_id: int, person_b_id: int, kind: RelationKind, note: str = ""
) -> int:
    """Record a kinship link (stored once per pair). Refuses a person related to themselves and duplicates."""
    if person_a_id == person_b_id:
        raise ValidationError(tr("不能把一个人登记为自己的亲属"))
    a, b = session.get(Person, person_a_id), session.get(Person, person_b_id)
    if a is None or b is None:
        raise NotFound(tr("找不到要登记亲属关系的人员"))
    low, high = sorted((person_a_id, person_b_id))
    kind = RelationKind(kind)
    exists = session.scalar(
        select(Relationship).where(Relationship.person_a_id == low, Relationship.person_b_id == high)
    )
    if exists is not None:
        raise ValidationError(
            tr("{a}与{b}已登记为{kind}关系").format(a=a.name, b=b.name, kind=exists.kind.label)
        )
    rel = Relationship(person_a_id=low, person_b_id=high, kind=kind, note=note)
    return audit.add_recorded(session, actor, "add", "relationship", rel)


@requires(Permission.EDIT)
def remove_relationship(session: Session, actor: Actor, relationship_id: int) -> None:
    rel = get_row(session, Relationship, relationship_id, tr("找不到亲属关系（编号 {id}）"))
    before = audit.snapshot(rel)
    session.delete(rel)
    session.flush()
    audit.record(session, actor, "remove", "relationship", relationship_id, before=before)


def relationships_of(session: Session, person_id: int) -> list[tuple[int, int, str, RelationKind]]:
    """(relationship id, other person id, other person's name, kind) for one person."""
    rows = session.execute(
        select(Relationship).where(
            or_(Relationship.person_a_id == person_id, Relationship.person_b_id == person_id)
        )
    ).scalars().all()
    out = []
    for rel in rows:
        other_id = rel.person_b_id if rel.person_a_id == person_id else rel.person_a_id
        other = session.get(Person, other_id)
        out.append((rel.id, other_id, other.name if other else "", rel.kind))
    out.sort(key=lambda r: stroke_key(r[2]))
    return out
