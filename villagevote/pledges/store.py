"""Pledge templates in the database: seeded from the shipped files, copied and edited with versions kept.

A template *family* is (kind, name). Editing saves a new version of the family and retires the older versions
(``active`` = False); copying starts a new family at version 1. New pledges use the current template of their kind:
the active template saved most recently. Pledges keep a reference to the exact version they were made from, and a
reviewed or signed pledge keeps its own frozen text, so no template edit changes them.
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
from villagevote.models import Pledge
from villagevote.models import PledgeTemplate as TemplateRow
from villagevote.models.enums import PledgeKind
from villagevote.pledges.templates import PledgeTemplate, load_default_templates, validate_template

__all__ = [
    "TemplateInfo",
    "copy_template",
    "current_template_row",
    "list_templates",
    "save_template_version",
    "seed_default_templates",
    "template_of",
]

_BODY_KEYS = ("kind", "name", "version", "title", "body")


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    kind: PledgeKind
    name: str
    version: int
    active: bool
    pledges: int  # pledges made from this version
    saved_at: dt.datetime


def template_of(row: TemplateRow) -> PledgeTemplate:
    """The template data of a database row."""
    data = {"kind": row.kind.value if isinstance(row.kind, PledgeKind) else row.kind, "name": row.name,
            "version": row.version, "title": row.title, "body": row.body, **(row.defaults or {})}
    return PledgeTemplate.from_dict(data, source=tr("模板“{name}”第{v}版").format(name=row.name, v=row.version))


def _fill_row(row: TemplateRow, template: PledgeTemplate) -> None:
    data = template.to_dict()
    row.kind = template.kind
    row.name = template.name
    row.version = template.version
    row.title = template.title
    row.body = template.body
    row.defaults = {k: v for k, v in data.items() if k not in _BODY_KEYS}


def seed_default_templates(session: Session) -> int:
    """Add the shipped template of each kind whose family is not in the database yet. Returns how many were added."""
    added = 0
    for kind, template in load_default_templates().items():
        exists = session.scalar(select(TemplateRow.id).where(TemplateRow.kind == kind,
                                                             TemplateRow.name == template.name))
        if exists is None:
            row = TemplateRow(active=True)
            _fill_row(row, template)
            session.add(row)
            added += 1
    session.flush()
    return added


def list_templates(session: Session, include_old_versions: bool = False) -> list[TemplateInfo]:
    counts: dict[int, int] = {template_id: n for template_id, n in session.execute(
        select(Pledge.template_id, func.count()).group_by(Pledge.template_id))}
    query = select(TemplateRow).order_by(TemplateRow.kind, TemplateRow.name, TemplateRow.version.desc())
    if not include_old_versions:
        query = query.where(TemplateRow.active.is_(True))
    return [TemplateInfo(r.id, PledgeKind(r.kind), r.name, r.version, r.active, counts.get(r.id, 0), r.updated_at)
            for r in session.scalars(query)]


def current_template_row(session: Session, kind: PledgeKind) -> TemplateRow:
    row = session.scalar(select(TemplateRow).where(TemplateRow.kind == kind, TemplateRow.active.is_(True))
                         .order_by(TemplateRow.id.desc()).limit(1))
    if row is None:
        raise NotFound(tr("没有可用的{kind}模板，请在“承诺”页的模板管理中添加").format(kind=kind.label))
    return row


def _get(session: Session, template_id: int) -> TemplateRow:
    return get_row(session, TemplateRow, template_id, tr("找不到承诺书模板（编号 {id}）"))


def template_by_id(session: Session, template_id: int) -> PledgeTemplate:
    """One template version's text and settings, for the editor."""
    return template_of(_get(session, template_id))


@requires(Permission.ADMIN)
def save_template_version(session: Session, actor: Actor, template_id: int, edited: PledgeTemplate) -> int:
    """Save ``edited`` as the next version of the family of ``template_id``; older versions are retired.

    Pledges already made keep the version they were made from (drafts move to the new version when pledges are
    generated again); reviewed and signed pledges keep their frozen text. Returns the new template id.
    """
    base = _get(session, template_id)
    if edited.kind != base.kind:
        raise ValidationError(tr("不能把{a}模板改成{b}模板，请复制后另存").format(
            a=PledgeKind(base.kind).label, b=edited.kind.label))
    if edited.name.strip() != base.name:
        raise ValidationError(tr("修改模板时不能改名；要用新名称请使用“复制模板”"))
    latest = session.scalar(select(func.max(TemplateRow.version)).where(TemplateRow.kind == base.kind,
                                                                        TemplateRow.name == base.name)) or 0
    edited.version = latest + 1
    validate_template(edited)
    older = list(session.scalars(select(TemplateRow).where(TemplateRow.kind == base.kind,
                                                           TemplateRow.name == base.name,
                                                           TemplateRow.active.is_(True))))
    for row in older:
        row.active = False
    row = TemplateRow(active=True)
    _fill_row(row, edited)
    session.add(row)
    session.flush()
    audit.record(session, actor, "template_version", "pledge_template", row.id, before=audit.snapshot(base),
                 after=audit.snapshot(row), note=f"{base.name} v{base.version} -> v{row.version}")
    return row.id


@requires(Permission.ADMIN)
def copy_template(session: Session, actor: Actor, template_id: int, new_name: str) -> int:
    """Copy a template into a new family named ``new_name`` (version 1); it becomes the current one of its kind."""
    base = _get(session, template_id)
    new_name = new_name.strip()
    if not new_name:
        raise ValidationError(tr("请填写新模板的名称"))
    if session.scalar(select(TemplateRow.id).where(TemplateRow.kind == base.kind, TemplateRow.name == new_name)):
        raise ValidationError(tr("已有名为“{name}”的{kind}模板，请换一个名称").format(
            name=new_name, kind=PledgeKind(base.kind).label))
    template = template_of(base)
    template.name = new_name
    template.version = 1
    row = TemplateRow(active=True)
    _fill_row(row, template)
    session.add(row)
    session.flush()
    audit.record(session, actor, "template_copy", "pledge_template", row.id, after=audit.snapshot(row),
                 note=f"copy of {base.name} v{base.version}")
    return row.id
