"""Bonus and deduction entries (加分 / 扣分) of a scheme; the caps apply in the results."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models.scoring import (
    ScoreAdjustment,
    ScoreParticipant,
)
from villagevote.scoring.rows import (
    AdjustmentRow,
)
from villagevote.scoring.scheme import (
    Criterion,
    scheme_from_dict,
)
from villagevote.scoring.store import (
    get_scheme,
    list_participants,
    open_scheme,
)
from villagevote.scoring.values import check_score, parse_score

# -- adjustments -------------------------------------------------------------------------------------------------------

def list_adjustments(session: Session, scheme_id: int) -> list[AdjustmentRow]:
    scheme = get_scheme(session, scheme_id)
    names = {p.candidacy_id: p.name for p in list_participants(session, scheme_id)}
    bonus = {b.code: b.name for b in scheme.bonus_items}
    ded = {d.code: d.name for d in scheme.deduction_items}
    out = []
    for a in session.scalars(select(ScoreAdjustment).where(ScoreAdjustment.scheme_id == scheme_id)
                             .order_by(ScoreAdjustment.id)):
        kind = "bonus" if a.item_code in bonus else "deduction"
        out.append(AdjustmentRow(id=a.id, candidacy_id=a.candidacy_id, candidate=names.get(a.candidacy_id, "?"),
                                 kind=kind, item_code=a.item_code,
                                 item_name=bonus.get(a.item_code) or ded.get(a.item_code, a.item_code),
                                 points=a.points, note=a.note))
    return out


@requires(Permission.EDIT)
def add_adjustment(session: Session, actor: Actor, scheme_id: int, candidacy_id: int, item_code: str,
                   points: Decimal | str, note: str = "") -> int:
    """Record bonus or deduction points for a candidate (deductions as positive points); caps apply in the results."""
    row = open_scheme(session, scheme_id)
    scheme = scheme_from_dict(row.definition)
    items = {i.code: i for i in scheme.bonus_items + scheme.deduction_items}
    item = items.get(item_code)
    if item is None:
        raise ValidationError(tr("加扣分项“{i}”不在评分方案中").format(i=item_code))
    if not session.scalar(select(ScoreParticipant.id).where(ScoreParticipant.scheme_id == scheme_id,
                                                            ScoreParticipant.candidacy_id == candidacy_id)):
        raise ValidationError(tr("该人选不在本次比选名单中"))
    crit = Criterion(code=item.code, name=item.name, max=Decimal("1000"), weight=Decimal(1))
    try:
        value = points if isinstance(points, Decimal) else parse_score(str(points), crit, 3)
        if value is None:
            raise ValidationError(tr("“{i}”请填写分值").format(i=item.name))
        check_score(value, crit, 3)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="points") from exc
    adj = ScoreAdjustment(scheme_id=scheme_id, candidacy_id=candidacy_id, item_code=item_code, points=value,
                          note=(note or "").strip(), entered_by=actor.display_name or actor.username)
    return audit.add_recorded(session, actor, "create", "score_adjustment", adj)


@requires(Permission.EDIT)
def delete_adjustment(session: Session, actor: Actor, adjustment_id: int) -> None:
    adj = session.get(ScoreAdjustment, adjustment_id)
    if adj is None:
        raise NotFound(tr("找不到这条加扣分记录"))
    open_scheme(session, adj.scheme_id)
    before = audit.snapshot(adj)
    session.delete(adj)
    session.flush()
    audit.record(session, actor, "delete", "score_adjustment", adjustment_id, before=before)
