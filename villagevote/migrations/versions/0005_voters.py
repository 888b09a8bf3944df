"""Schema changes for voter registers (issue 6).

- voter: name_sort (姓氏笔画 order as a binary-comparable string), stored eligibility (eligible, age, ineligible_reason), residence dates for non-registered residents,
  phone and note; the name / name_initials indexes are dropped (searches use LIKE '%…%', which no index serves, and
  every index slows a 50,000-row import) and the (cycle, village) + (village) indexes become one (village, cycle)
- voter_event: history of each register entry (removal with reason and date, restore, corrections)
- village_milestone: statutory steps done per village and cycle (voter list published on …)
- objection: cycle, what is requested (add / remove / correct) with details, raise deadline, late filing flag
- proxy: the relationship between principal and holder as checked when registered

Revision ID: 0005_voters
Revises: 0004_scoring
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_voters"
down_revision = "0004_scoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voter") as batch:
        batch.drop_index("ix_voter_name")
        batch.drop_index("ix_voter_name_initials")
        batch.drop_index("ix_voter_village_id")
        batch.drop_index("ix_voter_cycle_village")
        batch.create_index("ix_voter_village_cycle", ["village_id", "cycle_id"], unique=False)
        batch.add_column(sa.Column("name_sort", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("eligible", sa.Boolean(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ineligible_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("residence_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("application_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=32), nullable=False, server_default=""))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))

    op.create_table(
        "voter_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status_before", sa.String(length=32), nullable=True),
        sa.Column("status_after", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["voter_id"], ["voter.id"], name=op.f("fk_voter_event_voter_id_voter"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voter_event")),
    )
    with op.batch_alter_table("voter_event") as batch:
        batch.create_index(batch.f("ix_voter_event_voter_id"), ["voter_id"], unique=False)

    op.create_table(
        "village_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["election_cycle.id"],
                                name=op.f("fk_village_milestone_cycle_id_election_cycle"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name=op.f("fk_village_milestone_village_id_village"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_milestone")),
        sa.UniqueConstraint("village_id", "cycle_id", "code", name=op.f("uq_village_milestone_village_id")),
    )
    with op.batch_alter_table("village_milestone") as batch:
        batch.create_index(batch.f("ix_village_milestone_village_id"), ["village_id"], unique=False)

    with op.batch_alter_table("objection") as batch:
        batch.add_column(sa.Column("cycle_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column(
            "request", sa.Enum("add", "remove", "correct", name="objectionrequest", native_enum=False,
                               create_constraint=True, length=32), nullable=False, server_default="remove"))
        batch.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("raise_deadline", sa.Date(), nullable=True))
        batch.add_column(sa.Column("filed_late", sa.Boolean(), nullable=False, server_default="0"))
        batch.create_foreign_key(batch.f("fk_objection_cycle_id_election_cycle"), "election_cycle", ["cycle_id"],
                                 ["id"], ondelete="CASCADE")

    with op.batch_alter_table("proxy") as batch:
        batch.add_column(sa.Column(
            "relation", sa.Enum("spouse", "parent_child", "sibling", "near_relative", name="relationkind",
                                native_enum=False, create_constraint=True, length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proxy") as batch:
        batch.drop_column("relation")
    with op.batch_alter_table("objection") as batch:
        batch.drop_constraint("fk_objection_cycle_id_election_cycle", type_="foreignkey")
        for col in ("filed_late", "raise_deadline", "details", "request", "cycle_id"):
            batch.drop_column(col)
    op.drop_table("village_milestone")
    op.drop_table("voter_event")
    with op.batch_alter_table("voter") as batch:
        for col in ("note", "phone", "application_date", "residence_since", "ineligible_reason", "age", "eligible",
                    "name_sort"):
            batch.drop_column(col)
        batch.drop_index("ix_voter_village_cycle")
        batch.create_index("ix_voter_cycle_village", ["cycle_id", "village_id"], unique=False)
        batch.create_index("ix_voter_village_id", ["village_id"], unique=False)
        batch.create_index("ix_voter_name_initials", ["name_initials"], unique=False)
        batch.create_index("ix_voter_name", ["name"], unique=False)
