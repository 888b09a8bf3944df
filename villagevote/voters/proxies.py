"""委托投票 (proxy voting): a voter who cannot attend authorizes, in writing, a near relative who votes in the same
village. The holder may carry at most the cycle profile's cap (default 3; some provinces 2 or 1).

Near relatives are those recorded as ``Relationship`` rows between the two persons (spouse, parent/child, sibling,
other near relative); a voter entry is linked to its person by ``person_id`` or by the ID number. Kinship between
two plain voters (no person record yet) is recorded with :func:`record_voter_kinship`, which creates the person
records from the register entries and links them, in the caller's one transaction.

A candidate (a person with a candidacy in the cycle that is neither withdrawn nor disqualified) may not hold a
proxy (民政部《村民委员会选举规程》). :func:`proxy_problem` re-checks a recorded proxy against today's data (a
holder who became a candidate later, a lowered cap, a removed kinship); the printed 委托投票名单公告 refuses to print
while any proxy of the village has a problem (:func:`check_printable`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.candidates.persons import add_relationship
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.candidates import Candidacy, Person, Relationship
from villagevote.models.core import Organization, Village, VillageGroup
from villagevote.models.enums import CandidacyStatus, OrgKind, RelationKind, VoterStatus
from villagevote.models.voters import Proxy, Voter
from villagevote.names import pinyin_initials, stroke_key
from villagevote.voters.register import cycle_profile

__all__ = [
    "ProxyRow",
    "check_printable",
    "holder_candidacy",
    "list_proxies",
    "near_relation",
    "proxy_problem",
    "record_voter_kinship",
    "register_proxy",
    "revoke_proxy",
]

# candidacies that no longer make a person a candidate
_NOT_CANDIDATE = (CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED)


def _person_id(session: Session, voter: Voter) -> int | None:
    if voter.person_id:
        return voter.person_id
    if voter.id_number:
        return session.scalar(select(Person.id).where(Person.id_number == voter.id_number))
    return None


def near_relation(session: Session, a: Voter, b: Voter) -> RelationKind | None:
    """The recorded kinship between two voters' persons, or None."""
    pa, pb = _person_id(session, a), _person_id(session, b)
    if pa is None or pb is None:
        return None
    low, high = sorted((pa, pb))
    return session.scalar(select(Relationship.kind).where(Relationship.person_a_id == low,
                                                          Relationship.person_b_id == high))


def holder_candidacy(session: Session, voter: Voter) -> str | None:
    """"村民委员会主任" when the voter's person stands as a candidate in the voter's cycle (a candidacy neither
    withdrawn nor disqualified), else None."""
    pid = _person_id(session, voter)
    if pid is None:
        return None
    row = session.execute(
        select(Organization.kind, Candidacy.post).join(Organization, Organization.id == Candidacy.organization_id)
        .where(Candidacy.person_id == pid, Candidacy.cycle_id == voter.cycle_id,
               Candidacy.status.not_in(_NOT_CANDIDATE))
        .order_by(Candidacy.id).limit(1)).first()
    if row is None:
        return None
    return OrgKind(row[0]).label + row[1]


def _candidate_holder_message(holder: Voter, principal: Voter, what: str) -> str:
    return tr("{h}是本届{what}候选人，不能接受{p}的委托。依照民政部《村民委员会选举规程》，候选人不得接受委托投票，"
              "请{p}另行委托其他近亲属").format(h=holder.name, what=what, p=principal.name)


def _ensure_person(session: Session, actor: Actor, voter: Voter) -> int:
    """The person record of a register entry: the linked one, the one with the same ID number (linked now), or a new
    one made from the entry (name, ID number, gender, birth date, village, group). Audited."""
    if voter.person_id:
        return voter.person_id
    person = None
    if voter.id_number:
        person = session.scalar(select(Person).where(Person.id_number == voter.id_number))
        if person is not None and person.name != voter.name:
            raise ValidationError(tr("选民{v}的身份证号 {n} 已登记给人员「{p}」，姓名不一致，请先核对选民名册或人员信息").format(
                v=voter.name, n=voter.id_number, p=person.name))
    if person is None:
        person = Person(name=voter.name, name_initials=pinyin_initials(voter.name), id_number=voter.id_number or None,
                        gender=voter.gender, birth_date=voter.birth_date, village_id=voter.village_id,
                        group_id=voter.group_id, phone=voter.phone or "",
                        note=tr("由选民名册建立（登记亲属关系）"))
        audit.add_recorded(session, actor, "register", "person", person)
    before = audit.snapshot(voter)
    voter.person_id = person.id
    session.flush()
    audit.record(session, actor, "update", "voter", voter.id, before=before, after=audit.snapshot(voter))
    return person.id


@requires(Permission.EDIT)
def record_voter_kinship(session: Session, actor: Actor, voter_a_id: int, voter_b_id: int, kind: RelationKind,
                         note: str = "") -> int:
    """Record a near-relative relationship between two register entries (voters need not be candidates): each gets
    a person record (linked or created from the entry) and the pair one ``Relationship``. Returns its id. Refuses the
    same person twice and a pair already related (with the recorded kind)."""
    a, b = session.get(Voter, voter_a_id), session.get(Voter, voter_b_id)
    if a is None or b is None:
        raise NotFound(tr("找不到要登记亲属关系的选民"))
    if a.id == b.id:
        raise ValidationError(tr("不能把选民{name}登记为自己的亲属").format(name=a.name))
    known = near_relation(session, a, b)
    if known is not None:
        raise ValidationError(tr("{a}与{b}已登记为{kind}关系").format(a=a.name, b=b.name, kind=known.label))
    pa, pb = _ensure_person(session, actor, a), _ensure_person(session, actor, b)
    if pa == pb:
        raise ValidationError(tr("选民{a}与{b}是同一人（身份证号相同），不能登记为亲属").format(a=a.name, b=b.name))
    return add_relationship(session, actor, pa, pb, RelationKind(kind), note=note.strip())


@requires(Permission.EDIT, note=tr("受托人不得是本届候选人；每位受托人的委托数以本届规则设置为上限"))
def register_proxy(session: Session, actor: Actor, principal_id: int, holder_id: int, authorized_on: dt.date,
                   note: str = "", today: dt.date | None = None) -> int:
    """Record an approved written authorization. Checks: both on the same village's list and able to vote, not the
    same person, a recorded near-relative relationship, the holder's cap, one proxy per principal, a holder does not
    also give a proxy, the date is not after the vote (nor in the future)."""
    principal, holder = session.get(Voter, principal_id), session.get(Voter, holder_id)
    if principal is None or holder is None:
        raise NotFound(tr("找不到委托人或受托人"))
    if principal.id == holder.id:
        raise ValidationError(tr("委托人和受托人不能是同一人"), field="holder")
    cycle, profile = cycle_profile(session, principal.cycle_id)
    if holder.cycle_id != principal.cycle_id or holder.village_id != principal.village_id:
        raise ValidationError(tr("受托人{h}不是{p}所在村的选民，只能委托本村有选举权的近亲属").format(
            h=holder.name, p=principal.name), field="holder")
    for who, role in ((principal, tr("委托人")), (holder, tr("受托人"))):
        if who.status != VoterStatus.ACTIVE or not who.eligible:
            why = who.status_reason if who.status != VoterStatus.ACTIVE else who.ineligible_reason
            raise ValidationError(tr("{role}{name}在选举日没有选举权（{why}）").format(role=role, name=who.name, why=why),
                                  field="principal" if who is principal else "holder")
    standing = holder_candidacy(session, holder)
    if standing is not None:
        raise ValidationError(_candidate_holder_message(holder, principal, standing), field="holder")
    relation = near_relation(session, principal, holder)
    if relation is None:
        raise ValidationError(tr("未登记{p}与{h}的近亲属关系。委托投票只能委托近亲属，请先登记二人的关系（“登记委托”窗口中的“登记亲属关系”）").format(
            p=principal.name, h=holder.name))
    today = today or dt.date.today()
    if authorized_on > today:
        raise ValidationError(tr("书面委托日期 {d} 晚于今天").format(d=authorized_on), field="authorized_on")
    if authorized_on > cycle.election_day:
        raise ValidationError(tr("书面委托日期 {d} 晚于选举日 {e}").format(d=authorized_on, e=cycle.election_day),
                              field="authorized_on")
    existing = session.scalar(select(Proxy).where(Proxy.principal_id == principal.id))
    if existing is not None:
        other = session.get(Voter, existing.holder_id)
        raise ValidationError(tr("{p}已委托{h}投票，一名选民只能委托一人").format(p=principal.name, h=other.name if other else ""))
    if session.scalar(select(Proxy.id).where(Proxy.principal_id == holder.id)):
        raise ValidationError(tr("{h}本人已委托他人投票，不能再接受委托").format(h=holder.name))
    if session.scalar(select(Proxy.id).where(Proxy.holder_id == principal.id)):
        raise ValidationError(tr("{p}已接受他人委托，不能再委托他人").format(p=principal.name))
    carried = session.scalar(select(func.count(Proxy.id)).where(Proxy.holder_id == holder.id)) or 0
    if carried >= profile.proxy_cap:
        raise ValidationError(tr("{h}已接受 {n} 人委托，每位受托人最多接受 {cap} 人委托").format(
            h=holder.name, n=carried, cap=profile.proxy_cap))
    proxy = Proxy(principal_id=principal.id, holder_id=holder.id, authorized_on=authorized_on, approved=True,
                  note=note.strip(), relation=relation)
    return audit.add_recorded(session, actor, "register", "proxy", proxy)


@requires(Permission.EDIT)
def revoke_proxy(session: Session, actor: Actor, proxy_id: int, reason: str) -> None:
    proxy = get_row(session, Proxy, proxy_id, tr("找不到委托记录（编号 {id}）"))
    if not reason.strip():
        raise ValidationError(tr("请填写撤销委托的原因"))
    before = audit.snapshot(proxy)
    session.delete(proxy)
    session.flush()
    audit.record(session, actor, "revoke", "proxy", proxy_id, before=before, note=reason.strip())


@dataclass(frozen=True)
class ProxyRow:
    id: int
    village_id: int
    village: str
    principal_id: int
    principal: str
    principal_group: str
    holder_id: int
    holder: str
    holder_group: str
    relation: str
    authorized_on: dt.date
    problem: str = ""  # why this recorded proxy would be refused today ("" = valid); see proxy_problem


def proxy_problem(session: Session, proxy: Proxy, cap: int) -> str:
    """Why a recorded proxy would be refused today, in Chinese, or "". ``cap`` is the cycle profile's proxy_cap;
    a holder's proxies beyond it (by authorization date, then entry order) are the ones refused."""
    principal, holder = session.get(Voter, proxy.principal_id), session.get(Voter, proxy.holder_id)
    if principal is None or holder is None:
        return tr("委托人或受托人已不在选民名单中")
    if not proxy.approved:
        return tr("{p}委托{h}未经村民选举委员会同意").format(p=principal.name, h=holder.name)
    for who, role in ((principal, tr("委托人")), (holder, tr("受托人"))):
        if who.status != VoterStatus.ACTIVE or not who.eligible:
            why = who.status_reason if who.status != VoterStatus.ACTIVE else who.ineligible_reason
            return tr("{role}{name}在选举日没有选举权（{why}）").format(role=role, name=who.name, why=why)
    standing = holder_candidacy(session, holder)
    if standing is not None:
        return _candidate_holder_message(holder, principal, standing)
    if near_relation(session, principal, holder) is None:
        return tr("未登记{p}与{h}的近亲属关系").format(p=principal.name, h=holder.name)
    ahead = session.scalar(select(func.count(Proxy.id)).where(
        Proxy.holder_id == holder.id,
        (Proxy.authorized_on < proxy.authorized_on)
        | ((Proxy.authorized_on == proxy.authorized_on) & (Proxy.id < proxy.id)))) or 0
    if ahead >= cap:
        return tr("{h}接受的委托超过每位受托人最多 {cap} 人的上限（这是第 {n} 件）").format(
            h=holder.name, cap=cap, n=ahead + 1)
    return ""


def check_printable(rows: list[ProxyRow]) -> None:
    """Refuse to print a 委托投票名单公告 that would list a proxy refused today: a ValidationError naming each such
    proxy (village, principal, holder, why) and asking for it to be revoked first."""
    bad = [r for r in rows if r.problem]
    if not bad:
        return
    lines = [tr("{village}：{p} 委托 {h} — {why}").format(village=r.village, p=r.principal, h=r.holder, why=r.problem)
             for r in bad[:10]]
    if len(bad) > 10:
        lines.append(tr("……另有 {n} 件").format(n=len(bad) - 10))
    raise ValidationError(tr("以下 {n} 件委托投票现在不符合规定，不能列入委托投票名单公告。请先撤销（并告知委托人另行委托），再打印：").format(
        n=len(bad)) + "\n" + "\n".join(lines))


def list_proxies(session: Session, cycle_id: int, village_id: int | None = None) -> list[ProxyRow]:
    p, h = aliased(Voter), aliased(Voter)
    gp, gh = aliased(VillageGroup), aliased(VillageGroup)
    stmt = (select(Proxy, p, h, Village.name, gp.name, gh.name)
            .join(p, p.id == Proxy.principal_id).join(h, h.id == Proxy.holder_id)
            .join(Village, Village.id == p.village_id)
            .outerjoin(gp, gp.id == p.group_id).outerjoin(gh, gh.id == h.group_id)
            .where(p.cycle_id == cycle_id))
    if village_id is not None:
        stmt = stmt.where(p.village_id == village_id)
    _cycle, profile = cycle_profile(session, cycle_id)
    rows = []
    for proxy, pv, hv, village, pg, hg in session.execute(stmt).all():
        rows.append(ProxyRow(proxy.id, pv.village_id, village, pv.id, pv.name, pg or "", hv.id, hv.name, hg or "",
                             proxy.relation.label if proxy.relation else "", proxy.authorized_on,
                             proxy_problem(session, proxy, profile.proxy_cap)))
    rows.sort(key=lambda r: (r.village, stroke_key(r.holder), stroke_key(r.principal)))
    return rows
