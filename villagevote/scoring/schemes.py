"""Scoring schemes: list, create (from a definition, an example or another scheme), update while no score
exists, copy as a new version, delete, double entry, and finding one by a command-line value."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models import ElectionCycle
from villagevote.models.enums import AggregationRule
from villagevote.models.scoring import (
    Rater,
    RaterGroup,
    Recusal,
    ScoreCriterion,
    ScoreParticipant,
    ScoreScheme,
)
from villagevote.scoring.rows import (
    SchemeRow,
)
from villagevote.scoring.scheme import (
    METHOD_TRIMMED,
    SCOPE_PER_GROUP,
    Scheme,
    load_example_schemes,
    scheme_from_dict,
    scheme_to_dict,
)
from villagevote.scoring.store import (
    get_scheme,
    open_scheme,
    scheme_row,
    score_count,
)
from villagevote.township import current_cycle

# -- schemes -----------------------------------------------------------------------------------------------------------

def list_schemes(session: Session) -> list[SchemeRow]:
    out = []
    for row in session.scalars(select(ScoreScheme).order_by(ScoreScheme.name, ScoreScheme.version)):
        out.append(SchemeRow(
            id=row.id, name=row.name, version=row.version, code=row.code, frozen=row.frozen,
            double_entry=row.double_entry, cycle_id=row.cycle_id,
            participants=session.scalar(select(func.count(ScoreParticipant.id))
                                        .where(ScoreParticipant.scheme_id == row.id)) or 0,
            raters=session.scalar(select(func.count(Rater.id)).where(Rater.scheme_id == row.id)) or 0,
            scores=score_count(session, row.id), outcome_applied=row.outcome_applied_at is not None))
    return out


def _as_definition(definition: Mapping[str, Any] | Scheme) -> tuple[Scheme, dict[str, Any]]:
    scheme = definition if isinstance(definition, Scheme) else scheme_from_dict(definition)
    return scheme, scheme_to_dict(scheme)


def mirror_definition(session: Session, row: ScoreScheme, scheme: Scheme) -> None:
    """Mirror the definition into the row's columns, criterion rows and group rows (groups kept by code)."""
    row.code = scheme.code
    row.name = scheme.name
    row.aggregation = AggregationRule.TRIMMED_MEAN if scheme.method == METHOD_TRIMMED else AggregationRule.MEAN
    row.per_group = scheme.scope == SCOPE_PER_GROUP
    row.decimals = scheme.places
    row.cutoff_min = scheme.min_total
    row.cutoff_top_n = scheme.top_n_per_post
    row.tie_rule = list(scheme.tie_priority)
    session.execute(delete(ScoreCriterion).where(ScoreCriterion.scheme_id == row.id))
    order = 0
    for c in scheme.criteria:
        session.add(ScoreCriterion(scheme_id=row.id, code=c.code, name=c.name, kind="criterion", maximum=c.max,
                                   weight=c.weight, sort_order=order))
        order += 1
    for kind, items in (("bonus", scheme.bonus_items), ("deduction", scheme.deduction_items)):
        for it in items:
            session.add(ScoreCriterion(scheme_id=row.id, code=it.code, name=it.name, kind=kind, maximum=it.cap,
                                       weight=Decimal(1), cap=it.cap, sort_order=order))
            order += 1
    existing = {g.code: g for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == row.id))}
    wanted = {g.code for g in scheme.rater_groups}
    for code, g in existing.items():
        if code not in wanted:
            n = session.scalar(select(func.count(Rater.id)).where(Rater.group_id == g.id)) or 0
            if n:
                raise ValidationError(tr("评委组“{g}”还有 {n} 位评委，不能从方案中删去；请先移除这些评委").format(
                    g=g.name, n=n))
            session.delete(g)
    for sg in scheme.rater_groups:
        if sg.code in existing:
            existing[sg.code].name = sg.name
            existing[sg.code].weight = sg.weight
        else:
            session.add(RaterGroup(scheme_id=row.id, code=sg.code, name=sg.name, weight=sg.weight))
    session.flush()


@requires(Permission.ADMIN)
def create_scheme(session: Session, actor: Actor, definition: Mapping[str, Any] | Scheme,
                  cycle_id: int | None = None) -> int:
    """Store a new scheme (validated); a scheme with the same name gets the next version number."""
    scheme, data = _as_definition(definition)
    if cycle_id is not None and session.get(ElectionCycle, cycle_id) is None:
        raise NotFound(tr("找不到换届届次（编号 {id}）").format(id=cycle_id))
    version = (session.scalar(select(func.max(ScoreScheme.version)).where(ScoreScheme.name == scheme.name)) or 0) + 1
    row = ScoreScheme(name=scheme.name, version=version, cycle_id=cycle_id, definition=data, frozen=False,
                      aggregation=AggregationRule.MEAN, per_group=False, decimals=scheme.places, tie_rule=[])
    session.add(row)
    session.flush()
    mirror_definition(session, row, scheme)
    audit.record(session, actor, "create", "score_scheme", row.id, after={"version": version, "definition": data})
    return row.id


@requires(Permission.ADMIN)
def new_scheme(session: Session, actor: Actor, source: str, name: str = "") -> int:
    """A new scheme for the current cycle, started from ``source`` — ``"example:<code>"`` (a shipped example) or
    ``"scheme:<id>"`` (a stored scheme's definition) — under ``name`` when given."""
    kind, _, ident = source.partition(":")
    if kind == "example":
        found = next((s for s in load_example_schemes() if s.code == ident), None)
        if found is None:
            raise NotFound(tr("找不到示例评分方案“{c}”").format(c=ident))
        data = scheme_to_dict(found)
    elif kind == "scheme" and ident.isdigit():
        data = scheme_to_dict(get_scheme(session, int(ident)))
    else:
        raise ValidationError(tr("请选择新方案的基础"), field="source")
    if name.strip():
        data["name"] = name.strip()
    cycle = current_cycle(session)
    return create_scheme(session, actor, data, cycle_id=cycle.id if cycle is not None else None)


@requires(Permission.ADMIN)
def update_scheme(session: Session, actor: Actor, scheme_id: int, definition: Mapping[str, Any] | Scheme) -> None:
    """Replace a scheme's definition; refused once scores exist (copy the scheme to change it)."""
    row = scheme_row(session, scheme_id)
    if row.frozen or score_count(session, scheme_id):
        raise LockedError(tr("评分方案“{name}”（第{v}版）已有评分，不能修改。请复制为新版本后再修改。").format(
            name=row.name, v=row.version))
    scheme, data = _as_definition(definition)
    before = dict(row.definition)
    if scheme.name != row.name:
        clash = session.scalar(select(ScoreScheme.id).where(ScoreScheme.name == scheme.name,
                                                            ScoreScheme.version == row.version))
        if clash is not None:
            raise ValidationError(tr("已有同名同版本的评分方案“{name}”").format(name=scheme.name))
    row.definition = data
    mirror_definition(session, row, scheme)
    audit.record(session, actor, "update", "score_scheme", row.id, before={"definition": before},
                 after={"definition": data})


@requires(Permission.ADMIN)
def copy_scheme(session: Session, actor: Actor, scheme_id: int) -> int:
    """A new, unfrozen version of a scheme with the same definition, participants, raters and recusals (no scores)."""
    src = scheme_row(session, scheme_id)
    new_id = create_scheme(session, actor, dict(src.definition), cycle_id=src.cycle_id)
    new = scheme_row(session, new_id)
    new.double_entry = src.double_entry
    for p in session.scalars(select(ScoreParticipant).where(ScoreParticipant.scheme_id == src.id)):
        session.add(ScoreParticipant(scheme_id=new_id, candidacy_id=p.candidacy_id))
    groups_new = {g.code: g.id for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == new_id))}
    groups_old = {g.id: g.code for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == src.id))}
    for r in session.scalars(select(Rater).where(Rater.scheme_id == src.id).order_by(Rater.id)):
        nr = Rater(scheme_id=new_id, name=r.name, title=r.title,
                   group_id=groups_new.get(groups_old.get(r.group_id or 0, "")))
        session.add(nr)
        session.flush()
        for rec in session.scalars(select(Recusal).where(Recusal.rater_id == r.id)):
            session.add(Recusal(rater_id=nr.id, candidacy_id=rec.candidacy_id, reason=rec.reason))
    session.flush()
    audit.record(session, actor, "copy", "score_scheme", new_id, note=f"from {src.id}")
    return new_id


@requires(Permission.ADMIN)
def delete_scheme(session: Session, actor: Actor, scheme_id: int) -> None:
    row = scheme_row(session, scheme_id)
    if score_count(session, scheme_id) or row.outcome_applied_at is not None:
        raise LockedError(tr("评分方案“{name}”已有评分，不能删除").format(name=row.name))
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "score_scheme", scheme_id, before=before)


@requires(Permission.EDIT)
def set_double_entry(session: Session, actor: Actor, scheme_id: int, on: bool) -> None:
    """Require (or stop requiring) every paper sheet to be entered twice by different people."""
    row = open_scheme(session, scheme_id)
    before = row.double_entry
    row.double_entry = bool(on)
    audit.record(session, actor, "update", "score_scheme", row.id, before={"double_entry": before},
                 after={"double_entry": row.double_entry})



def find_scheme(session: Session, text: str | None) -> int:
    """A scheme id from a command-line value (id, or name, latest version); with no value the only scheme in use."""
    rows = list_schemes(session)
    if not rows:
        raise NotFound(tr("数据库中还没有评分方案"))
    if text:
        text = text.strip()
        if text.isdigit() and any(r.id == int(text) for r in rows):
            return int(text)
        named = [r for r in rows if r.name == text or r.code == text or r.label == text]
        if named:
            return max(named, key=lambda r: r.version).id
        raise NotFound(tr("没有名为“{t}”的评分方案。可用的有：{names}").format(
            t=text, names="、".join(f"{r.id} {r.label}" for r in rows)))
    used = [r for r in rows if r.participants]
    if len(used) == 1:
        return used[0].id
    raise NotFound(tr("请用 --option scheme=编号 指定评分方案。可用的有：{names}").format(
        names="、".join(f"{r.id} {r.label}" for r in rows)))
