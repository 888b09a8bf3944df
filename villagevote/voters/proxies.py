"""委托投票 (proxy voting): a voter who cannot attend authorizes, in writing, a near relative who votes in the same
village. The holder may carry at most the cycle profile's cap (default 3; some provinces 2 or 1).

Near relatives are those recorded as ``Relationship`` rows between the two persons (spouse, parent/child, sibling,
other near relative); a voter entry is linked to its person by ``person_id`` or by the ID number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.candidates import Person, Relationship
from villagevote.models.core import Village, VillageGroup
from villagevote.models.enums import RelationKind, VoterStatus
from villagevote.models.voters import Proxy, Voter
from villagevote.voters.register import cycle_profile

__all__ = ["ProxyRow", "near_relation", "list_proxies", "register_proxy", "revoke_proxy"]


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


@requires(Permission.EDIT)
def register_proxy(session: Session, actor: Actor, principal_id: int, holder_id: int, authorized_on: dt.date,
                   note: str = "", today: dt.date | None = None) -> int:
    """Record an approved written authorization. Checks: both on the same village's list and able to vote, not the
    same person, a recorded near-relative relationship, the holder's cap, one proxy per principal, a holder does not
    also give a proxy, the date is not after the vote (nor in the future)."""
    principal, holder = session.get(Voter, principal_id), session.get(Voter, holder_id)
    if principal is None or holder is None:
        raise NotFound(tr("找不到委托人或受托人"))
    if principal.id == holder.id:
        raise ValidationError(tr("委托人和受托人不能是同一人"))
    cycle, profile = cycle_profile(session, principal.cycle_id)
    if holder.cycle_id != principal.cycle_id or holder.village_id != principal.village_id:
        raise ValidationError(tr("受托人{h}不是{p}所在村的选民，只能委托本村有选举权的近亲属").format(
            h=holder.name, p=principal.name))
    for who, role in ((principal, tr("委托人")), (holder, tr("受托人"))):
        if who.status != VoterStatus.ACTIVE or not who.eligible:
            why = who.status_reason if who.status != VoterStatus.ACTIVE else who.ineligible_reason
            raise ValidationError(tr("{role}{name}在选举日没有选举权（{why}）").format(role=role, name=who.name, why=why))
    relation = near_relation(session, principal, holder)
    if relation is None:
        raise ValidationError(tr("未登记{p}与{h}的近亲属关系。委托投票只能委托近亲属，请先在人员信息中登记二人的关系").format(
            p=principal.name, h=holder.name))
    today = today or dt.date.today()
    if authorized_on > today:
        raise ValidationError(tr("书面委托日期 {d} 晚于今天").format(d=authorized_on))
    if authorized_on > cycle.election_day:
        raise ValidationError(tr("书面委托日期 {d} 晚于选举日 {e}").format(d=authorized_on, e=cycle.election_day))
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


def list_proxies(session: Session, cycle_id: int, village_id: int | None = None) -> list[ProxyRow]:
    from sqlalchemy.orm import aliased

    p, h = aliased(Voter), aliased(Voter)
    gp, gh = aliased(VillageGroup), aliased(VillageGroup)
    stmt = (select(Proxy, p, h, Village.name, gp.name, gh.name)
            .join(p, p.id == Proxy.principal_id).join(h, h.id == Proxy.holder_id)
            .join(Village, Village.id == p.village_id)
            .outerjoin(gp, gp.id == p.group_id).outerjoin(gh, gh.id == h.group_id)
            .where(p.cycle_id == cycle_id))
    if village_id is not None:
        stmt = stmt.where(p.village_id == village_id)
    rows = []
    for proxy, pv, hv, village, pg, hg in session.execute(stmt):
        rows.append(ProxyRow(proxy.id, pv.village_id, village, pv.id, pv.name, pg or "", hv.id, hv.name, hg or "",
                             proxy.relation.label if proxy.relation else "", proxy.authorized_on))
    from villagevote.names import stroke_key
    rows.sort(key=lambda r: (r.village, stroke_key(r.holder), stroke_key(r.principal)))
    return rows
