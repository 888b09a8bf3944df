"""Candidacies (参选登记): a person standing for a post of an organization in one cycle; listing for pages/prints.

:func:`register_candidate` is the one workflow "reuse or register the person, find the organization, register the
candidacy" used by the candidates page and anything else that registers one person at a time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.candidates.checks import PersonFacts, check_person
from villagevote.candidates.persons import PersonData, person_by_id_number, register_person
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.idcard import age_on
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Seat, Village
from villagevote.models.enums import CandidacyStatus, NominationSource, OrgKind
from villagevote.names import stroke_key

__all__ = ["CandidacyRow", "list_candidacies", "register_candidacy", "register_candidate"]


@dataclass(frozen=True)
class CandidacyRow:
    """One candidacy as plain data (for table models and prints)."""

    id: int
    person_id: int
    name: str
    id_number: str
    gender: str
    birth_date: dt.date | None
    age: int | None  # on the election day
    education: str
    political_status: str
    party_join_date: dt.date | None
    phone: str
    current_post: str
    village_id: int
    village: str
    village_code: str
    organization_id: int
    org_kind: OrgKind
    post: str
    seat_rank: int
    source: NominationSource
    status: CandidacyStatus
    status_reason: str
    incumbent: bool
    cycle_id: int


@requires(Permission.EDIT)
def register_candidacy(
    session: Session,
    actor: Actor,
    person_id: int,
    organization_id: int,
    post: str,
    source: NominationSource | str,
    incumbent: bool = False,
    today: dt.date | None = None,
) -> int:
    """Register a person for a post; the post must be one of the organization's seats. Returns the id.

    The person is checked by the one person-and-candidacy check (:func:`villagevote.candidates.checks.check_person`)
    against the cycle's election day, as the workbook import checks a row: at least 18 on the election day, a Party
    join date at 18 or later, full Party membership for the Party organization."""
    person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
    org = get_row(session, Organization, organization_id, tr("找不到组织（编号 {id}）"))
    post = (post or "").strip()
    posts = list(session.scalars(select(Seat.post).where(Seat.organization_id == org.id).order_by(Seat.rank)))
    if post not in posts:
        raise ValidationError(
            tr("「{post}」不是{village}{org}的职务（可选：{posts}）").format(
                post=post, village=org.village.name, org=OrgKind(org.kind).label,
                posts="、".join(posts) or tr("无，请先设置职数"),
            ),
            field="post",
        )
    cycle = session.get(ElectionCycle, org.cycle_id)
    facts = PersonFacts(person.name, person.id_number or "", person.political_status, person.party_join_date,
                        person.phone or "", birth_date=person.birth_date)
    checked = check_person(facts, today=today or dt.date.today(), election_day=cycle.election_day if cycle else None,
                           org_kind=OrgKind(org.kind))
    if checked.problems:
        raise ValidationError(
            tr("{name}不能登记参选{village}{org}{post}：{problems}").format(
                name=person.name, village=org.village.name, org=OrgKind(org.kind).label, post=post,
                problems="；".join(checked.texts()),
            ),
            field=checked.problems[0].key,
        )
    try:
        source = NominationSource(source) if not isinstance(source, NominationSource) else source
    except ValueError:
        source = NominationSource.from_label(str(source))  # raises ValueError for garbage
    exists = session.scalar(
        select(Candidacy.id).where(
            Candidacy.person_id == person.id, Candidacy.organization_id == org.id, Candidacy.post == post
        )
    )
    if exists is not None:
        raise ValidationError(
            tr("{name}已登记参选{village}{org}{post}，不能重复登记").format(
                name=person.name, village=org.village.name, org=OrgKind(org.kind).label, post=post
            ),
            field="post",
        )
    cand = Candidacy(person_id=person.id, organization_id=org.id, cycle_id=org.cycle_id, post=post, source=source,
                     status=CandidacyStatus.REGISTERED, incumbent=incumbent)
    return audit.add_recorded(session, actor, "register", "candidacy", cand)


@requires(Permission.EDIT)
def register_candidate(
    session: Session,
    actor: Actor,
    cycle_id: int,
    person: PersonData,
    org_kind: OrgKind,
    post: str,
    source: NominationSource,
    incumbent: bool = False,
    today: dt.date | None = None,
) -> int:
    """Register a candidacy for the person typed in a form: the person already registered with that ID number is
    reused (the name must match), else registered; the organization is the village's ``org_kind`` in the cycle.
    Returns the candidacy id. Errors name the field they concern (``ValidationError.field``)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    existing = person_by_id_number(session, person.id_number)
    if existing is not None:
        if existing.name != (person.name or "").strip():
            raise ValidationError(tr("身份证号码已登记给「{name}」").format(name=existing.name), field="id_number")
        person_id = existing.id
    else:
        person_id = register_person(session, actor, person, today=today)
    org_id = session.scalar(select(Organization.id).where(
        Organization.cycle_id == cycle.id, Organization.village_id == person.village_id,
        Organization.kind == org_kind))
    if org_id is None:
        raise ValidationError(tr("该村本届没有设立{org}").format(org=OrgKind(org_kind).label), field="org_kind")
    return register_candidacy(session, actor, person_id, org_id, post, source, incumbent, today=today)


def list_candidacies(
    session: Session,
    cycle_id: int,
    village_id: int | None = None,
    org_kind: OrgKind | None = None,
    statuses: set[CandidacyStatus] | None = None,
    ids: list[int] | None = None,
) -> list[CandidacyRow]:
    """Candidacies of a cycle, filtered, in village-code order then organization kind, seat rank and surname strokes."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    stmt = (
        select(Candidacy, Person, Organization, Village)
        .join(Person, Candidacy.person_id == Person.id)
        .join(Organization, Candidacy.organization_id == Organization.id)
        .join(Village, Organization.village_id == Village.id)
        .where(Candidacy.cycle_id == cycle_id)
    )
    if village_id is not None:
        stmt = stmt.where(Village.id == village_id)
    if org_kind is not None:
        stmt = stmt.where(Organization.kind == org_kind)
    if statuses:
        stmt = stmt.where(Candidacy.status.in_(list(statuses)))
    if ids is not None:
        stmt = stmt.where(Candidacy.id.in_(ids))
    ranks = {
        (org_id, post): rank
        for org_id, post, rank in session.execute(select(Seat.organization_id, Seat.post, Seat.rank))
    }
    kind_order = {k: i for i, k in enumerate(OrgKind)}
    rows = []
    for cand, person, org, village in session.execute(stmt):
        rows.append(
            CandidacyRow(
                id=cand.id,
                person_id=person.id,
                name=person.name,
                id_number=person.id_number or "",
                gender=person.gender.label if person.gender else "",
                birth_date=person.birth_date,
                age=age_on(person.birth_date, cycle.election_day) if person.birth_date else None,
                education=person.education.label if person.education else "",
                political_status=person.political_status.label if person.political_status else "",
                party_join_date=person.party_join_date,
                phone=person.phone,
                current_post=person.current_post,
                village_id=village.id,
                village=village.name,
                village_code=village.code,
                organization_id=org.id,
                org_kind=OrgKind(org.kind),
                post=cand.post,
                seat_rank=ranks.get((org.id, cand.post), 99),
                source=NominationSource(cand.source),
                status=CandidacyStatus(cand.status),
                status_reason=cand.status_reason,
                incumbent=cand.incumbent,
                cycle_id=cand.cycle_id,
            )
        )
    rows.sort(key=lambda r: (r.village_code, r.village, kind_order[r.org_kind], r.seat_rank, r.post, stroke_key(r.name)))
    return rows
