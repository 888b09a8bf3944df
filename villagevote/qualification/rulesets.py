"""Rule-set versions in the database: loading the shipped catalogs, copying, editing, binding a cycle.

A rule set is one version of a catalog. Administrators copy a version, edit its rules or add township 兜底
conditions; an election cycle is bound to exactly one version, and from then on that version is frozen: changing it
would change the meaning of findings already recorded, so the only way forward is a new copy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import ElectionCycle, Finding, Rule, RuleSet
from villagevote.models.enums import OrgKind, RelationKind, RuleGrade
from villagevote.qualification.catalogs import (
    Catalog,
    RuleDef,
    load_builtin_catalogs,
    validate_rule_fields,
)

__all__ = [
    "RuleSetInfo",
    "add_rule",
    "bind_cycle",
    "copy_rule_set",
    "cycle_rule_set",
    "delete_rule",
    "import_catalog",
    "kinship_bar_of",
    "list_rule_sets",
    "rule_defs",
    "seed_builtin_catalogs",
    "update_rule",
]


@dataclass(frozen=True)
class RuleSetInfo:
    id: int
    name: str
    region: str
    year: int
    version: int
    source: str
    catalog_key: str
    frozen: bool
    used_by: tuple[str, ...]  # names of cycles bound to it
    rule_count: int


def _rule_def(rule: Rule) -> RuleDef:
    return RuleDef(
        code=rule.code,
        grade=rule.grade,
        text=rule.text,
        window_years=rule.window_years,
        until_expiry=rule.until_expiry,
        departments=tuple(rule.departments or ()),
        evidence_hint=rule.evidence_hint or "",
        event_label=rule.event_label or "",
        covers=tuple(rule.covers or ()),
    )


def rule_defs(session: Session, rule_set_id: int) -> list[RuleDef]:
    """The rules of one version, in display order, as plain data."""
    rules = session.scalars(
        select(Rule).where(Rule.rule_set_id == rule_set_id).order_by(Rule.sort_order, Rule.id)
    ).all()
    return [_rule_def(r) for r in rules]


def kinship_bar_of(session: Session, rule_set_id: int | None) -> tuple[tuple[RelationKind, ...], tuple[OrgKind, ...]]:
    """(barred relation kinds, organization kinds they apply to) for a rule set; defaults when unset."""
    default = (
        (RelationKind.SPOUSE, RelationKind.PARENT_CHILD, RelationKind.SIBLING),
        (OrgKind.VILLAGE_COMMITTEE,),
    )
    if rule_set_id is None:
        return default
    rs = session.get(RuleSet, rule_set_id)
    if rs is None or not rs.kinship_bar:
        return default
    rel = tuple(RelationKind(v) for v in rs.kinship_bar.get("relations", []))
    orgs = tuple(OrgKind(v) for v in rs.kinship_bar.get("organizations", []))
    return rel, orgs


def _used_by(session: Session, rule_set_id: int) -> list[str]:
    return list(session.scalars(select(ElectionCycle.name).where(ElectionCycle.rule_set_id == rule_set_id)))


def list_rule_sets(session: Session) -> list[RuleSetInfo]:
    out = []
    for rs in session.scalars(select(RuleSet).order_by(RuleSet.name, RuleSet.version)):
        count = session.scalar(select(func.count()).select_from(Rule).where(Rule.rule_set_id == rs.id)) or 0
        used = _used_by(session, rs.id)
        out.append(
            RuleSetInfo(rs.id, rs.name, rs.region, rs.year, rs.version, rs.source, rs.catalog_key,
                        bool(rs.frozen or used), tuple(used), count)
        )
    return out


def _add_rules(session: Session, rs: RuleSet, rules: list[RuleDef]) -> None:
    for order, rule in enumerate(rules, start=1):
        session.add(
            Rule(
                rule_set_id=rs.id,
                code=rule.code,
                grade=rule.grade,
                text=rule.text,
                window_years=rule.window_years,
                until_expiry=rule.until_expiry,
                departments=list(rule.departments),
                evidence_hint=rule.evidence_hint,
                event_label=rule.event_label,
                covers=list(rule.covers),
                sort_order=order * 10,
            )
        )


@requires(Permission.ADMIN)
def import_catalog(session: Session, catalog: Catalog, actor: Actor = audit.SYSTEM) -> int:
    """Store a validated catalog as a new rule-set version; returns its id. Refuses a name+version that exists."""
    exists = session.scalar(
        select(RuleSet.id).where(RuleSet.name == catalog.name, RuleSet.version == catalog.version)
    )
    if exists is not None:
        raise ValidationError(
            tr("规则目录「{name}」第{v}版已存在，不能重复导入").format(name=catalog.name, v=catalog.version)
        )
    rs = RuleSet(
        name=catalog.name,
        region=catalog.region,
        year=catalog.year,
        version=catalog.version,
        source=catalog.source,
        catalog_key=catalog.key,
        note=catalog.note,
        kinship_bar={
            "relations": [r.value for r in catalog.kinship_relations],
            "organizations": [o.value for o in catalog.kinship_organizations],
            "text": catalog.kinship_text,
        },
        frozen=False,
    )
    session.add(rs)
    session.flush()
    _add_rules(session, rs, list(catalog.rules))
    session.flush()
    audit.record(session, actor, "import_catalog", "rule_set", rs.id, after=audit.snapshot(rs),
                 note=f"{catalog.key} v{catalog.version}")
    return rs.id


def seed_builtin_catalogs(session: Session) -> list[int]:
    """Load each shipped catalog once (first start). A version already in the database is never changed once a
    cycle uses it (frozen); an unused one only picks up the shipped rules' ``covers`` tags (:func:`_refresh_tags`)."""
    created = []
    for catalog in load_builtin_catalogs():
        known = session.scalar(
            select(RuleSet.id).where(RuleSet.catalog_key == catalog.key, RuleSet.version == catalog.version)
        )
        if known is None:
            created.append(import_catalog(session, catalog))
        else:
            _refresh_tags(session, _rule_set(session, known), catalog)
    return created


def _refresh_tags(session: Session, rs: RuleSet, catalog: Catalog) -> None:
    """Give an unused shipped version the ``covers`` tags of the shipped file (e.g. N2's ``undated_hit``, added after
    the version was first loaded), for each rule whose text the administrator has not changed. Audited. A version a
    cycle uses is frozen: its findings were weighed under the old reading, so it needs a new copy instead."""
    if rs.frozen or _used_by(session, rs.id):
        return
    shipped = {rule.code: rule for rule in catalog.rules}
    for rule in rs.rules:
        ref = shipped.get(rule.code)
        if ref is None or rule.text != ref.text or sorted(rule.covers or ()) == sorted(ref.covers):
            continue
        before = audit.snapshot(rule)
        rule.covers = list(ref.covers)
        session.flush()
        audit.record(session, audit.SYSTEM, "update_rule", "rule", rule.id, before=before, after=audit.snapshot(rule),
                     note=tr("随程序更新的规则目录标记"))


def _rule_set(session: Session, rule_set_id: int) -> RuleSet:
    return get_row(session, RuleSet, rule_set_id, tr("找不到规则目录（编号 {id}）"))


def _check_editable(session: Session, rs: RuleSet) -> None:
    used = _used_by(session, rs.id)
    if rs.frozen or used:
        raise LockedError(
            tr("规则目录「{name}」第{v}版已用于{cycles}，不能再修改；请复制为新版本后修改").format(
                name=rs.name, v=rs.version, cycles="、".join(used) or tr("换届届次")
            )
        )


@requires(Permission.ADMIN)
def copy_rule_set(session: Session, actor: Actor, rule_set_id: int, name: str | None = None) -> int:
    """Copy a version (frozen or not) into a new, editable version; returns the new id."""
    src = _rule_set(session, rule_set_id)
    new_name = (name or src.name).strip()
    if not new_name:
        raise ValidationError(tr("新版本的名称不能为空"))
    version = (session.scalar(select(func.max(RuleSet.version)).where(RuleSet.name == new_name)) or 0) + 1
    rs = RuleSet(
        name=new_name,
        region=src.region,
        year=src.year,
        version=version,
        source=src.source,
        parent_id=src.id,
        catalog_key=src.catalog_key,
        note=tr("由「{name}」第{v}版复制").format(name=src.name, v=src.version),
        kinship_bar=dict(src.kinship_bar or {}),
        frozen=False,
    )
    session.add(rs)
    session.flush()
    _add_rules(session, rs, rule_defs(session, src.id))
    session.flush()
    audit.record(session, actor, "copy_rule_set", "rule_set", rs.id, after=audit.snapshot(rs),
                 note=f"from {src.id}")
    return rs.id


def _rule_fields(rule: RuleDef) -> dict[str, Any]:
    return dict(
        code=rule.code, grade=rule.grade, text=rule.text, window_years=rule.window_years,
        until_expiry=rule.until_expiry, departments=list(rule.departments), evidence_hint=rule.evidence_hint,
        event_label=rule.event_label, covers=list(rule.covers),
    )


@requires(Permission.ADMIN)
def update_rule(session: Session, actor: Actor, rule_id: int, **changes: Any) -> None:
    """Edit one rule of an editable version (fields as in the catalog files); validated like a catalog file."""
    rule = get_row(session, Rule, rule_id, tr("找不到规则（编号 {id}）"))
    rs = _rule_set(session, rule.rule_set_id)
    _check_editable(session, rs)
    unknown = set(changes) - {"code", "grade", "text", "window_years", "until_expiry", "departments",
                              "evidence_hint", "event_label", "covers"}
    if unknown:
        raise ValueError(f"unknown rule fields: {sorted(unknown)}")
    merged = {**_rule_fields(_rule_def(rule)), **changes}
    checked = validate_rule_fields(**merged)
    if checked.code != rule.code:
        clash = session.scalar(select(Rule.id).where(Rule.rule_set_id == rs.id, Rule.code == checked.code))
        if clash is not None:
            raise ValidationError(tr("本版本已有编号为 {code} 的规则").format(code=checked.code))
    before = audit.snapshot(rule)
    for key, value in _rule_fields(checked).items():
        setattr(rule, key, value)
    session.flush()
    audit.record(session, actor, "update_rule", "rule", rule.id, before=before, after=audit.snapshot(rule))


@requires(Permission.ADMIN)
def add_rule(
    session: Session,
    actor: Actor,
    rule_set_id: int,
    code: str,
    text: str,
    departments: list[str] | str,
    grade: RuleGrade | str = RuleGrade.FALLBACK,
    window_years: int | None = None,
    until_expiry: bool = False,
    evidence_hint: str = "",
    event_label: str = "",
) -> int:
    """Add a rule (by default a township 兜底 condition) at the end of an editable version; returns its id."""
    rs = _rule_set(session, rule_set_id)
    _check_editable(session, rs)
    checked = validate_rule_fields(code, grade, text, window_years, until_expiry, departments, evidence_hint,
                                   event_label, ())
    if session.scalar(select(Rule.id).where(Rule.rule_set_id == rs.id, Rule.code == checked.code)) is not None:
        raise ValidationError(tr("本版本已有编号为 {code} 的规则").format(code=checked.code))
    last = session.scalar(select(func.max(Rule.sort_order)).where(Rule.rule_set_id == rs.id)) or 0
    rule = Rule(rule_set_id=rs.id, sort_order=last + 10, **_rule_fields(checked))
    return audit.add_recorded(session, actor, "add_rule", "rule", rule)


@requires(Permission.ADMIN)
def delete_rule(session: Session, actor: Actor, rule_id: int) -> None:
    rule = get_row(session, Rule, rule_id, tr("找不到规则（编号 {id}）"))
    _check_editable(session, _rule_set(session, rule.rule_set_id))
    before = audit.snapshot(rule)
    session.delete(rule)
    session.flush()
    audit.record(session, actor, "delete_rule", "rule", rule_id, before=before)


@requires(Permission.ADMIN)
def bind_cycle(session: Session, actor: Actor, cycle_id: int, rule_set_id: int) -> None:
    """Bind a cycle to a rule-set version and freeze that version.

    Re-binding a cycle is refused once findings have been recorded for its candidacies (they refer to the old
    version's rules).
    """
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    rs = _rule_set(session, rule_set_id)
    if cycle.rule_set_id == rs.id:
        rs.frozen = True
        return
    if cycle.rule_set_id is not None:
        has_findings = session.scalar(
            select(func.count()).select_from(Finding).where(Finding.cycle_id == cycle.id)
        )
        if has_findings:
            raise LockedError(
                tr("「{cycle}」已按原规则目录记录了{n}条核查结果，不能再更换规则目录").format(
                    cycle=cycle.name, n=has_findings
                )
            )
    before = audit.snapshot(cycle)
    cycle.rule_set_id = rs.id
    rs.frozen = True
    session.flush()
    audit.record(session, actor, "bind_rule_set", "election_cycle", cycle.id, before=before,
                 after=audit.snapshot(cycle))


def cycle_rule_set(session: Session, cycle_id: int) -> int:
    """The rule-set id a cycle is bound to; raises ValidationError when none is bound yet."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if cycle.rule_set_id is None:
        raise ValidationError(
            tr("「{cycle}」还没有选定资格条件目录，请管理员先在规则目录中选定").format(cycle=cycle.name)
        )
    return cycle.rule_set_id
