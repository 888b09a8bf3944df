"""践诺跟踪, 双述双评 and 统计上报 (issues 17–19): the tables of tracking.md A1 and B.

New tables: assessed_role, attachment, inspection, inspection_finding, supervision, supervision_urge, extension,
exemption, ranking_snapshot, circular (tracking); evaluation_session, evaluation_count, meeting_record,
meeting_absence, absence_record (evaluation); village_representative, previous_roster_entry, report_submission
(statistics).

Extended tables:
- ``commitment``: ledger number, cycle and village, an owner other than a candidacy (organization or assessed role,
  so ``candidacy_id`` becomes nullable), source and kind, metric baseline/target/current and unit, parent, the current
  deadline after extensions, 报结/销号 fields, reopen count and verdict. ``status`` also allows ``excused`` and
  ``withdrawn``.
- ``progress_report``: ISO week, value, confidence, problems, next plan, no-progress reason, who entered and
  confirmed it, on time.
- ``flag`` becomes the consequence record: cycle, person, role or village as its target, the rule that fired, state
  (proposed → confirmed → executed, or waived), decision number, the 辞职承诺 outcome. ``kind`` allows the new kinds.
- ``commitment_status_change.changed_by``.

Existing rows are completed: each commitment gets the cycle and village of its candidacy, ``deadline_current`` =
``deadline``, ``registered_on`` = the day of its first status change (else its creation), and a ledger number
``<village short name>-<cycle year>-<seq>`` numbered per village in id order; each report gets the ISO week of its date;
each flag gets the cycle and person of its candidacy.

Revision ID: 0011_tracking
Revises: 0010_person_findings
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0011_tracking"
down_revision = "0010_person_findings"
branch_labels = None
depends_on = None

_STATUS_OLD = ("registered", "in_progress", "reported_done", "closed", "overdue", "kept", "partly_kept", "broken")
_STATUS_NEW = ("excused", "withdrawn")
_FLAG_OLD = ("overdue", "warning_talk", "resignation_trigger", "team_adjustment")
_FLAG_NEW = ("reminder_talk", "inquiry", "interview", "termination", "recall", "commendation", "public_notice",
             "alert")
_NEW_TABLES = ("supervision_urge", "exemption", "supervision", "inspection_finding", "extension", "inspection",
               "evaluation_count", "assessed_role", "village_representative", "previous_roster_entry",
               "meeting_absence", "absence_record", "circular", "report_submission", "ranking_snapshot",
               "meeting_record", "evaluation_session", "attachment")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _short(village: str) -> str:
    for suffix in ("社区", "村"):
        if village.endswith(suffix) and len(village) > len(suffix):
            return village[: -len(suffix)]
    return village


def _iso_week(day: str | dt.date | None) -> str:
    if not day:
        return ""
    value = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}"


def _backfill() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT c.id, k.cycle_id, o.village_id, v.name, y.year, c.deadline, c.created_at, "
        "(SELECT MIN(changed_on) FROM commitment_status_change s WHERE s.commitment_id = c.id) "
        "FROM commitment c JOIN candidacy k ON k.id = c.candidacy_id "
        "JOIN organization o ON o.id = k.organization_id JOIN village v ON v.id = o.village_id "
        "JOIN election_cycle y ON y.id = k.cycle_id ORDER BY v.id, c.id")).all()
    seq: dict[int, int] = {}
    for cid, cycle_id, village_id, village, year, deadline, created_at, first_change in rows:
        seq[village_id] = seq.get(village_id, 0) + 1
        registered = first_change or (str(created_at)[:10] if created_at else None)
        conn.execute(sa.text(
            "UPDATE commitment SET cycle_id = :cycle, village_id = :village, deadline_current = :deadline, "
            "registered_on = :registered, ledger_no = :no WHERE id = :id"),
            {"cycle": cycle_id, "village": village_id, "deadline": deadline, "registered": registered,
             "no": f"{_short(village)}-{year}-{seq[village_id]:03d}", "id": cid})
    for rid, day in conn.execute(sa.text("SELECT id, reported_on FROM progress_report")).all():
        conn.execute(sa.text("UPDATE progress_report SET period = :p WHERE id = :id"),
                     {"p": _iso_week(day), "id": rid})
    conn.execute(sa.text(
        "UPDATE flag SET cycle_id = (SELECT cycle_id FROM candidacy WHERE candidacy.id = flag.candidacy_id), "
        "person_id = (SELECT person_id FROM candidacy WHERE candidacy.id = flag.candidacy_id) "
        "WHERE candidacy_id IS NOT NULL"))


def upgrade() -> None:
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('photo', 'acceptance', 'minutes', 'patrol', 'document', name='attachmentkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('stored_path', sa.String(length=512), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=True),
    sa.Column('caption', sa.Text(), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_owner', ['owner_type', 'owner_id'], unique=False)

    op.create_table('evaluation_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('people', 'township', 'mid_term', 'end_term', 'special', name='evaluationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('meeting', sa.Enum('representatives', 'villagers', 'party', 'township_panel', 'committees', name='meetingkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('scale', sa.JSON(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('due', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('ballots_issued', sa.Integer(), nullable=False),
    sa.Column('first_ballot_no', sa.Integer(), nullable=True),
    sa.Column('scrutineers', sa.Text(), nullable=False),
    sa.Column('counters', sa.Text(), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_evaluation_session_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_evaluation_session_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_session')),
    sa.UniqueConstraint('cycle_id', 'village_id', 'year', 'kind', 'meeting', name=op.f('uq_evaluation_session_cycle_id'))
    )
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_session_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_session_village_id'), ['village_id'], unique=False)

    op.create_table('meeting_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('representatives', 'villagers', 'party', 'township_panel', 'committees', name='meetingkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_meeting_record_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_meeting_record_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_record'))
    )
    with op.batch_alter_table('meeting_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_record_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_record_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_record_village_id'), ['village_id'], unique=False)

    op.create_table('ranking_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('scheme_version', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('signed_by', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_ranking_snapshot_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_snapshot')),
    sa.UniqueConstraint('cycle_id', 'period', 'serial', name=op.f('uq_ranking_snapshot_cycle_id'))
    )
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_snapshot_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('report_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('report_code', sa.String(length=32), nullable=False),
    sa.Column('template_version', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('filled_by', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_report_submission_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submission')),
    sa.UniqueConstraint('cycle_id', 'report_code', 'period', 'serial', name=op.f('uq_report_submission_cycle_id'))
    )
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_submission_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('circular',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=48), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('table', sa.JSON(), nullable=False),
    sa.Column('named', sa.JSON(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('signed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_circular_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['ranking_snapshot.id'], name=op.f('fk_circular_snapshot_id_ranking_snapshot'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular')),
    sa.UniqueConstraint('number', name=op.f('uq_circular_number'))
    )
    with op.batch_alter_table('circular', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circular_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('absence_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('to_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_absence_record_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_absence_record_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_absence_record_village_id_village'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_record'))
    )
    with op.batch_alter_table('absence_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_record_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_record_person_id'), ['person_id'], unique=False)

    op.create_table('meeting_absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('with_reason', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting_record.id'], name=op.f('fk_meeting_absence_meeting_id_meeting_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meeting_absence_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_absence')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_meeting_absence_meeting_id'))
    )
    with op.batch_alter_table('meeting_absence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_absence_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_absence_person_id'), ['person_id'], unique=False)

    op.create_table('previous_roster_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('education', sa.Enum('primary', 'junior', 'senior', 'vocational', 'college', 'bachelor', 'postgraduate', name='education', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('body', sa.Enum('party_branch', 'village_committee', 'supervision_committee', 'coop', name='orgkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_previous_roster_entry_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_previous_roster_entry_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_previous_roster_entry_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_previous_roster_entry'))
    )
    with op.batch_alter_table('previous_roster_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_previous_roster_entry_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_previous_roster_entry_village_id'), ['village_id'], unique=False)

    op.create_table('village_representative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('political_status', sa.Enum('party_member', 'probationary', 'league_member', 'masses', 'other_party', name='politicalstatus', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('group_name', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_village_representative_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_village_representative_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_village_representative_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_representative'))
    )
    with op.batch_alter_table('village_representative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_representative_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_village_representative_village_id'), ['village_id'], unique=False)

    op.create_table('assessed_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('elected', 'eco_instructor', 'river_chief', 'liaison', name='assessedrolekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('candidacy_id', sa.Integer(), nullable=True),
    sa.Column('appointing_unit', sa.String(length=128), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('patrol_min', sa.Integer(), nullable=True),
    sa.Column('patrol_period', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_assessed_role_candidacy_id_candidacy'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_assessed_role_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_assessed_role_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_assessed_role_village_id_village'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessed_role'))
    )
    with op.batch_alter_table('assessed_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessed_role_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessed_role_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessed_role_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessed_role_village_id'), ['village_id'], unique=False)

    op.create_table('evaluation_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=True),
    sa.Column('assessed_role_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('post', sa.String(length=64), nullable=False),
    sa.Column('body', sa.String(length=32), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('blank', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('percent', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['assessed_role_id'], ['assessed_role.id'], name=op.f('fk_evaluation_count_assessed_role_id_assessed_role'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_evaluation_count_candidacy_id_candidacy'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_evaluation_count_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['session_id'], ['evaluation_session.id'], name=op.f('fk_evaluation_count_session_id_evaluation_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_count')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_evaluation_count_session_id'))
    )
    with op.batch_alter_table('evaluation_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_count_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_count_session_id'), ['session_id'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('monthly', 'quarterly', 'unannounced', 'announced', 'special', 'upper', 'unit_visit', 'patrol', name='inspectionkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('assessed_role_id', sa.Integer(), nullable=True),
    sa.Column('inspectors', sa.Text(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['assessed_role_id'], ['assessed_role.id'], name=op.f('fk_inspection_assessed_role_id_assessed_role'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_inspection_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_inspection_village_id_village'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_assessed_role_id'), ['assessed_role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_village_id'), ['village_id'], unique=False)

    op.create_table('extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_date', sa.Date(), nullable=True),
    sa.Column('new_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'rejected', name='decisionstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_extension_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension'))
    )
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_commitment_id'), ['commitment_id'], unique=False)

    op.create_table('inspection_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('rectification_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('deduction', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('veto', sa.Boolean(), nullable=False),
    sa.Column('relapse', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_inspection_finding_commitment_id_commitment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_finding_inspection_id_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rectification_id'], ['commitment.id'], name=op.f('fk_inspection_finding_rectification_id_commitment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_finding'))
    )
    with op.batch_alter_table('inspection_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_finding_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_finding_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('township', 'county', 'city', name='supervisionlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Enum('key', 'slow', 'poor_effect', 'complaint', 'overdue', name='supervisionreason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=False),
    sa.Column('notice_no', sa.String(length=48), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('limit_date', sa.Date(), nullable=False),
    sa.Column('receipt_on', sa.Date(), nullable=True),
    sa.Column('receipt_text', sa.Text(), nullable=False),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('lifted_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_supervision_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision')),
    sa.UniqueConstraint('notice_no', name=op.f('uq_supervision_notice_no'))
    )
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_commitment_id'), ['commitment_id'], unique=False)

    op.create_table('exemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('assessed_role_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('external', 'exploration', 'policy', 'force_majeure', name='exemptioncategory', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision_no', sa.String(length=64), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['assessed_role_id'], ['assessed_role.id'], name=op.f('fk_exemption_assessed_role_id_assessed_role'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_exemption_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], name=op.f('fk_exemption_flag_id_flag'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_exemption_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemption'))
    )
    with op.batch_alter_table('exemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exemption_assessed_role_id'), ['assessed_role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemption_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemption_flag_id'), ['flag_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemption_person_id'), ['person_id'], unique=False)

    op.create_table('supervision_urge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervision_id', sa.Integer(), nullable=False),
    sa.Column('urged_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('urged_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['supervision_id'], ['supervision.id'], name=op.f('fk_supervision_urge_supervision_id_supervision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_urge'))
    )
    with op.batch_alter_table('supervision_urge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_urge_supervision_id'), ['supervision_id'], unique=False)

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_no', sa.String(length=48), nullable=True))
        batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('village_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assessed_role_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.Enum('pledge', 'assigned', 'inspection', 'special', 'personal_goal', name='commitmentsource', native_enum=False, create_constraint=True, length=32), server_default='pledge', nullable=False))
        batch_op.add_column(sa.Column('kind', sa.Enum('metric', 'milestone', name='commitmentkind', native_enum=False, create_constraint=True, length=32), server_default='milestone', nullable=False))
        batch_op.add_column(sa.Column('metric_baseline', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('metric_target', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('metric_current', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('detail', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deadline_current', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reported_done_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reported_done_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('acceptance_opinion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('verdict', sa.Enum('kept', 'partly_kept', 'broken', 'excused', 'withdrawn', name='verdict', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('verdict_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('verdict_evidence', sa.Text(), server_default='', nullable=False))
        batch_op.alter_column('candidacy_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('status', existing_type=_enum("commitmentstatus", _STATUS_OLD),
                              type_=_enum("commitmentstatus", _STATUS_OLD + _STATUS_NEW), existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_commitment_assessed_role_id'), ['assessed_role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_village_id'), ['village_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_commitment_ledger_no'), ['ledger_no'])
        batch_op.create_foreign_key(batch_op.f('fk_commitment_village_id_village'), 'village', ['village_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_commitment_organization_id_organization'), 'organization', ['organization_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_commitment_assessed_role_id_assessed_role'), 'assessed_role', ['assessed_role_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_commitment_parent_id_commitment'), 'commitment', ['parent_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_commitment_cycle_id_election_cycle'), 'election_cycle', ['cycle_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('commitment_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_by', sa.String(length=64), server_default='', nullable=False))

    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assessed_role_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('village_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rule', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('why', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_type', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state', sa.Enum('proposed', 'confirmed', 'executed', 'waived', name='consequencestate', native_enum=False, create_constraint=True, length=32), server_default='proposed', nullable=False))
        batch_op.add_column(sa.Column('proposed_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decision_no', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('executed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Enum('resigned', 'refused', name='resignationoutcome', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('outcome_on', sa.Date(), nullable=True))
        batch_op.alter_column('candidacy_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('kind', existing_type=_enum("flagkind", _FLAG_OLD),
                              type_=_enum("flagkind", _FLAG_OLD + _FLAG_NEW), existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_flag_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_flag_cycle_id_election_cycle'), 'election_cycle', ['cycle_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_flag_village_id_village'), 'village', ['village_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_flag_assessed_role_id_assessed_role'), 'assessed_role', ['assessed_role_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_flag_person_id_person'), 'person', ['person_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('confidence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('problems', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('next_plan', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('no_progress_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('entered_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('confirmed_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('on_time', sa.Boolean(), server_default='1', nullable=False))
        batch_op.create_index('ix_progress_report_commitment_period', ['commitment_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_report_period'), ['period'], unique=False)

    _backfill()


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM flag WHERE candidacy_id IS NULL OR kind NOT IN ("
                         + ", ".join(f"'{k}'" for k in _FLAG_OLD) + ")"))
    conn.execute(sa.text("DELETE FROM commitment WHERE candidacy_id IS NULL"))
    conn.execute(sa.text("UPDATE commitment SET status = 'broken' WHERE status IN ('excused', 'withdrawn')"))
    with op.batch_alter_table("progress_report") as batch:
        batch.drop_index("ix_progress_report_commitment_period")
        batch.drop_index("ix_progress_report_period")
        for column in ("period", "value", "confidence", "problems", "next_plan", "no_progress_reason", "entered_by",
                       "confirmed_by", "on_time"):
            batch.drop_column(column)
    with op.batch_alter_table("commitment_status_change") as batch:
        batch.drop_column("changed_by")
    for table in _NEW_TABLES[:2]:
        op.drop_table(table)
    with op.batch_alter_table("flag") as batch:
        batch.drop_index("ix_flag_cycle_id")
        batch.drop_index("ix_flag_person_id")
        for fk in ("fk_flag_cycle_id_election_cycle", "fk_flag_village_id_village",
                   "fk_flag_assessed_role_id_assessed_role", "fk_flag_person_id_person"):
            batch.drop_constraint(fk, type_="foreignkey")
        for check in ("ck_flag_consequencestate", "ck_flag_resignationoutcome"):
            batch.drop_constraint(op.f(check), type_="check")
        for column in ("cycle_id", "person_id", "assessed_role_id", "village_id", "rule", "why", "year",
                       "source_type", "source_id", "state", "proposed_by", "decision_no", "decided_by", "decided_on",
                       "executed_on", "outcome", "outcome_on"):
            batch.drop_column(column)
        batch.alter_column("candidacy_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("kind", existing_type=_enum("flagkind", _FLAG_OLD + _FLAG_NEW),
                           type_=_enum("flagkind", _FLAG_OLD), existing_nullable=False)
    for table in _NEW_TABLES[2:6]:
        op.drop_table(table)
    with op.batch_alter_table("commitment") as batch:
        for index in ("ix_commitment_assessed_role_id", "ix_commitment_cycle_id", "ix_commitment_organization_id",
                      "ix_commitment_parent_id", "ix_commitment_village_id"):
            batch.drop_index(index)
        batch.drop_constraint("uq_commitment_ledger_no", type_="unique")
        for fk in ("fk_commitment_village_id_village", "fk_commitment_organization_id_organization",
                   "fk_commitment_assessed_role_id_assessed_role", "fk_commitment_parent_id_commitment",
                   "fk_commitment_cycle_id_election_cycle"):
            batch.drop_constraint(fk, type_="foreignkey")
        for check in ("ck_commitment_commitmentsource", "ck_commitment_commitmentkind", "ck_commitment_verdict"):
            batch.drop_constraint(op.f(check), type_="check")
        for column in ("ledger_no", "cycle_id", "village_id", "organization_id", "assessed_role_id", "parent_id",
                       "source", "kind", "metric_baseline", "metric_target", "metric_current", "unit", "detail",
                       "year", "deadline_current", "registered_on", "reported_done_on", "reported_done_by",
                       "closed_on", "closed_by", "acceptance_opinion", "reopen_count", "verdict", "verdict_on",
                       "verdict_evidence"):
            batch.drop_column(column)
        batch.alter_column("candidacy_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("status", existing_type=_enum("commitmentstatus", _STATUS_OLD + _STATUS_NEW),
                           type_=_enum("commitmentstatus", _STATUS_OLD), existing_nullable=False)
    for table in _NEW_TABLES[6:]:
        op.drop_table(table)
