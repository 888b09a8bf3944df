"""Qualification findings belong to the person within the cycle (issue 14, build item 5).

Before this revision a finding (核查结果) was stored per candidacy, so one person standing for two posts had two sets
of answers that could contradict each other (公安 "无" on one 资格审查表, "有" on the other). The ``finding`` table is
rebuilt keyed by ``(person_id, cycle_id, rule_id, department)``; ``candidacy_id`` goes away.

Moving existing data: every old row is attributed to its candidacy's person and cycle. Where several candidacies of
one person in one cycle carry an answer for the same rule and department, one answer is kept, chosen
deterministically:

1. the most severe result wins: 有 (hit) > 存疑 (doubt) > 无 (clear) > 待查 (pending);
2. among equally severe answers the latest ``recorded_at`` wins, then the highest row id.

The kept row keeps its id (the audit log refers to it). The answers it replaced are not lost: they are stored in the
new JSON column ``merged`` of the kept row, oldest first, each as ``{"candidacy_id", "result", "evidence",
"event_date", "expiry_date", "recorded_by", "recorded_at", "finding_id"}``. A person whose answers were merged shows
the most severe one on every form; a clerk who knows better re-records it (the change is audited as usual).

Downgrade copies each finding back to every candidacy of the person in that cycle (the merged answers are dropped).

Revision ID: 0010_person_findings
Revises: 0009_safety
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010_person_findings"
down_revision = "0009_safety"
branch_labels = None
depends_on = None

_SEVERITY = {"hit": 3, "doubt": 2, "clear": 1, "pending": 0}
_COMMON = ("rule_id", "result", "department", "evidence", "event_date", "expiry_date", "recorded_by", "recorded_at",
           "created_at", "updated_at")

_NEW_TABLE = """
CREATE TABLE finding_new (
    id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    cycle_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    result VARCHAR(32) NOT NULL,
    department VARCHAR(64) NOT NULL,
    evidence TEXT NOT NULL,
    event_date DATE,
    expiry_date DATE,
    recorded_by VARCHAR(64) NOT NULL,
    recorded_at DATETIME NOT NULL,
    merged JSON DEFAULT '[]' NOT NULL,
    created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    CONSTRAINT pk_finding PRIMARY KEY (id),
    CONSTRAINT fk_finding_person_id_person FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE,
    CONSTRAINT fk_finding_cycle_id_election_cycle FOREIGN KEY(cycle_id) REFERENCES election_cycle (id)
        ON DELETE CASCADE,
    CONSTRAINT fk_finding_rule_id_rule FOREIGN KEY(rule_id) REFERENCES rule (id) ON DELETE RESTRICT,
    CONSTRAINT uq_finding_person_id UNIQUE (person_id, cycle_id, rule_id, department),
    CONSTRAINT ck_finding_findingresult CHECK (result IN ('pending', 'clear', 'hit', 'doubt'))
)
"""

_OLD_TABLE = """
CREATE TABLE finding_old (
    id INTEGER NOT NULL,
    candidacy_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    result VARCHAR(32) NOT NULL,
    department VARCHAR(64) NOT NULL,
    evidence TEXT NOT NULL,
    event_date DATE,
    expiry_date DATE,
    recorded_by VARCHAR(64) NOT NULL,
    recorded_at DATETIME NOT NULL,
    created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    CONSTRAINT pk_finding PRIMARY KEY (id),
    CONSTRAINT fk_finding_candidacy_id_candidacy FOREIGN KEY(candidacy_id) REFERENCES candidacy (id)
        ON DELETE CASCADE,
    CONSTRAINT fk_finding_rule_id_rule FOREIGN KEY(rule_id) REFERENCES rule (id) ON DELETE RESTRICT,
    CONSTRAINT uq_finding_candidacy_id UNIQUE (candidacy_id, rule_id, department),
    CONSTRAINT ck_finding_findingresult CHECK (result IN ('pending', 'clear', 'hit', 'doubt'))
)
"""


def _rank(row: dict[str, Any]) -> tuple:
    return (_SEVERITY.get(row["result"], 0), str(row["recorded_at"] or ""), row["id"])


def upgrade() -> None:
    conn = op.get_bind()
    cols = ", ".join(("f.id", "f.candidacy_id", "c.person_id", "c.cycle_id") + tuple(f"f.{c}" for c in _COMMON))
    rows = [dict(r._mapping) for r in conn.execute(sa.text(
        f"SELECT {cols} FROM finding f JOIN candidacy c ON c.id = f.candidacy_id ORDER BY f.id"))]
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["person_id"], row["cycle_id"], row["rule_id"], row["department"]), []).append(row)
    conn.execute(sa.text(_NEW_TABLE))
    insert = sa.text(
        "INSERT INTO finding_new (id, person_id, cycle_id, " + ", ".join(_COMMON) + ", merged) VALUES "
        "(:id, :person_id, :cycle_id, " + ", ".join(f":{c}" for c in _COMMON) + ", :merged)")
    for group in groups.values():
        kept = max(group, key=_rank)
        merged = [
            {"finding_id": r["id"], "candidacy_id": r["candidacy_id"], "result": r["result"], "evidence": r["evidence"],
             "event_date": None if r["event_date"] is None else str(r["event_date"]),
             "expiry_date": None if r["expiry_date"] is None else str(r["expiry_date"]),
             "recorded_by": r["recorded_by"], "recorded_at": str(r["recorded_at"])}
            for r in sorted(group, key=lambda r: (str(r["recorded_at"] or ""), r["id"])) if r is not kept
        ]
        values = {k: kept[k] for k in ("id", "person_id", "cycle_id") + _COMMON}
        values["merged"] = json.dumps(merged, ensure_ascii=False)
        conn.execute(insert, values)
    conn.execute(sa.text("DROP TABLE finding"))
    conn.execute(sa.text("ALTER TABLE finding_new RENAME TO finding"))
    conn.execute(sa.text("CREATE INDEX ix_finding_person_id ON finding (person_id)"))
    conn.execute(sa.text("CREATE INDEX ix_finding_cycle_id ON finding (cycle_id)"))
    conn.execute(sa.text("CREATE INDEX ix_finding_rule_id ON finding (rule_id)"))


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text(_OLD_TABLE))
    cols = ", ".join(_COMMON)
    conn.execute(sa.text(
        f"INSERT INTO finding_old (candidacy_id, {cols}) "
        f"SELECT c.id, {', '.join('f.' + c for c in _COMMON)} FROM finding f "
        "JOIN candidacy c ON c.person_id = f.person_id AND c.cycle_id = f.cycle_id ORDER BY f.id, c.id"))
    conn.execute(sa.text("DROP TABLE finding"))
    conn.execute(sa.text("ALTER TABLE finding_old RENAME TO finding"))
    conn.execute(sa.text("CREATE INDEX ix_finding_candidacy_id ON finding (candidacy_id)"))
    conn.execute(sa.text("CREATE INDEX ix_finding_rule_id ON finding (rule_id)"))
