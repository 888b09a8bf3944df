"""The 辞职承诺 loop reaches rule sets already in use (issue 18 item 4).

The built-in zhejiang-2013 catalog now tags its 不宜 rule S4 (达到辞职承诺条件而未辞职的) with the cover tag
``resignation_refusal``: a refused 辞职承诺 trigger becomes a finding under it when the person stands in a later cycle.
Seeding leaves frozen rule-set versions alone (a cycle uses them), so databases whose cycle already uses that catalog
would never get the tag. A cover tag only says which rule a workflow records its finding under; it changes no past
verdict, so this revision adds it to every stored version of that catalog's S4.

Revision ID: 0012_resignation_cover
Revises: 0011_tracking
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012_resignation_cover"
down_revision = "0011_tracking"
branch_labels = None
depends_on = None

_TAG = "resignation_refusal"
_RULES = sa.text("SELECT r.id, r.covers FROM rule r JOIN rule_set s ON s.id = r.rule_set_id "
                 "WHERE s.catalog_key = 'zhejiang-2013' AND r.code = 'S4'")


def _covers(raw: object) -> list[str]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return list(value) if isinstance(value, list) else []


def _rewrite(add: bool) -> None:
    conn = op.get_bind()
    for rule_id, raw in conn.execute(_RULES).all():
        covers = _covers(raw)
        changed = [*covers, _TAG] if add and _TAG not in covers else [c for c in covers if c != _TAG]
        if changed != covers:
            conn.execute(sa.text("UPDATE rule SET covers = :c WHERE id = :id"),
                         {"c": json.dumps(changed, ensure_ascii=False), "id": rule_id})


def upgrade() -> None:
    _rewrite(add=True)


def downgrade() -> None:
    _rewrite(add=False)
