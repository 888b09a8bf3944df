"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22 15:43:17.320238
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'clerk', 'reviewer', 'readonly', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('pledge_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('discipline', 'term_goals', 'resignation', 'qualification', 'integrity', name='pledgekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('defaults', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_template')),
    sa.UniqueConstraint('kind', 'name', 'version', name=op.f('uq_pledge_template_kind'))
    )
    op.create_table('rule_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['rule_set.id'], name=op.f('fk_rule_set_parent_id_rule_set')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_set')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_rule_set_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('township',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('county', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_audit_log_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity'), ['entity'], unique=False)

    op.create_table('election_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('election_day', sa.Date(), nullable=False),
    sa.Column('term_years', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=True),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_set.id'], name=op.f('fk_election_cycle_rule_set_id_rule_set')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_election_cycle_township_id_township'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_cycle'))
    )
    with op.batch_alter_table('election_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_cycle_township_id'), ['township_id'], unique=False)

    op.create_table('rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.Enum('cannot', 'unsuitable', 'fallback', name='rulegrade', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('window_years', sa.Integer(), nullable=True),
    sa.Column('until_expiry', sa.Boolean(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('evidence_hint', sa.Text(), nullable=False),
    sa.Column('covers', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_set.id'], name=op.f('fk_rule_rule_set_id_rule_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule')),
    sa.UniqueConstraint('rule_set_id', 'code', name=op.f('uq_rule_rule_set_id'))
    )
    with op.batch_alter_table('rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_rule_set_id'), ['rule_set_id'], unique=False)

    op.create_table('village',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_village_township_id_township'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village')),
    sa.UniqueConstraint('township_id', 'name', name=op.f('uq_village_township_id'))
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_township_id'), ['township_id'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('party_branch', 'village_committee', 'supervision_committee', 'coop', name='orgkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_organization_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_organization_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('village_id', 'cycle_id', 'kind', name=op.f('uq_organization_village_id'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_village_id'), ['village_id'], unique=False)

    op.create_table('score_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('aggregation', sa.Enum('mean', 'trimmed_mean', name='aggregationrule', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('per_group', sa.Boolean(), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('cutoff_min', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('cutoff_top_n', sa.Integer(), nullable=True),
    sa.Column('tie_rule', sa.JSON(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('frozen', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_score_scheme_cycle_id_election_cycle'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_scheme')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_score_scheme_name'))
    )
    op.create_table('village_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_village_group_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_group')),
    sa.UniqueConstraint('village_id', 'number', name=op.f('uq_village_group_village_id'))
    )
    with op.batch_alter_table('village_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_group_village_id'), ['village_id'], unique=False)

    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Enum('first', 'additional', name='contestround', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('with_candidates', 'self_nomination', name='contestmode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('electorate', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('ballots_printed', sa.Integer(), nullable=False),
    sa.Column('ballots_issued', sa.Integer(), nullable=False),
    sa.Column('ballots_returned', sa.Integer(), nullable=False),
    sa.Column('ballots_invalid', sa.Integer(), nullable=False),
    sa.Column('official', sa.Boolean(), nullable=False),
    sa.Column('official_by', sa.String(length=64), nullable=False),
    sa.Column('official_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_contest_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest'))
    )
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_organization_id'), ['organization_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_initials', sa.String(length=32), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('education', sa.Enum('primary', 'junior', 'senior', 'vocational', 'college', 'bachelor', 'postgraduate', name='education', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('political_status', sa.Enum('party_member', 'probationary', 'league_member', 'masses', 'other_party', name='politicalstatus', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('party_join_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('current_post', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['village_group.id'], name=op.f('fk_person_group_id_village_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_person_village_id_village'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_number', name=op.f('uq_person_id_number'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_village_id'), ['village_id'], unique=False)

    op.create_table('rater_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['score_scheme.id'], name=op.f('fk_rater_group_scheme_id_score_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rater_group'))
    )
    with op.batch_alter_table('rater_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rater_group_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('score_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('maximum', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('cap', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['score_scheme.id'], name=op.f('fk_score_criterion_scheme_id_score_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_criterion'))
    )
    with op.batch_alter_table('score_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_criterion_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('seat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('women_quota', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_seat_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat')),
    sa.UniqueConstraint('organization_id', 'post', name=op.f('uq_seat_organization_id'))
    )
    with op.batch_alter_table('seat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_organization_id'), ['organization_id'], unique=False)

    op.create_table('ballot_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('invalid_posts', sa.JSON(), nullable=False),
    sa.Column('wholly_invalid', sa.Boolean(), nullable=False),
    sa.Column('invalid_reason', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_ballot_record_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_record'))
    )
    with op.batch_alter_table('ballot_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_record_contest_id'), ['contest_id'], unique=False)

    op.create_table('candidacy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Enum('self', 'party_members', 'villagers', 'organization', name='nominationsource', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('registered', 'village_reviewed', 'township_reviewed', 'county_reviewed', 'qualified', 'advised_withdraw', 'disqualified', 'withdrawn', 'preliminary', 'candidate', 'elected', 'not_elected', name='candidacystatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('incumbent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_candidacy_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_candidacy_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_candidacy_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidacy')),
    sa.UniqueConstraint('person_id', 'organization_id', 'post', name=op.f('uq_candidacy_person_id'))
    )
    with op.batch_alter_table('candidacy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidacy_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_person_id'), ['person_id'], unique=False)

    op.create_table('contest_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('women_seats', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_post_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_post')),
    sa.UniqueConstraint('contest_id', 'post', name=op.f('uq_contest_post_contest_id'))
    )
    with op.batch_alter_table('contest_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_post_contest_id'), ['contest_id'], unique=False)

    op.create_table('lock_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_lock_event_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lock_event'))
    )
    with op.batch_alter_table('lock_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lock_event_contest_id'), ['contest_id'], unique=False)

    op.create_table('rater',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['rater_group.id'], name=op.f('fk_rater_group_id_rater_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['score_scheme.id'], name=op.f('fk_rater_scheme_id_score_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rater'))
    )
    with op.batch_alter_table('rater', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rater_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('relationship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_a_id', sa.Integer(), nullable=False),
    sa.Column('person_b_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('spouse', 'parent_child', 'sibling', 'near_relative', name='relationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['person_a_id'], ['person.id'], name=op.f('fk_relationship_person_a_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_b_id'], ['person.id'], name=op.f('fk_relationship_person_b_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relationship')),
    sa.UniqueConstraint('person_a_id', 'person_b_id', 'kind', name=op.f('uq_relationship_person_a_id'))
    )
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relationship_person_a_id'), ['person_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_person_b_id'), ['person_b_id'], unique=False)

    op.create_table('result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_result_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result')),
    sa.UniqueConstraint('contest_id', name=op.f('uq_result_contest_id'))
    )
    op.create_table('voter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_initials', sa.String(length=32), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('category', sa.Enum('resident', 'registered_away', 'nonregistered_resident', name='votercategory', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('active', 'deprived', 'deceased', 'moved_out', 'removed', name='voterstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('consent_note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['election_cycle.id'], name=op.f('fk_voter_cycle_id_election_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['village_group.id'], name=op.f('fk_voter_group_id_village_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_voter_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_voter_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voter'))
    )
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.create_index('ix_voter_cycle_village', ['cycle_id', 'village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_village_id'), ['village_id'], unique=False)

    op.create_table('ballot_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('gender', sa.String(length=4), nullable=True),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('write_in', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_ballot_candidate_candidacy_id_candidacy'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_ballot_candidate_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['ballot_candidate.id'], name=op.f('fk_ballot_candidate_merged_into_id_ballot_candidate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_candidate'))
    )
    with op.batch_alter_table('ballot_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_candidate_contest_id'), ['contest_id'], unique=False)

    op.create_table('department_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('has_issue', sa.Boolean(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('handler', sa.String(length=64), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_department_signoff_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_signoff')),
    sa.UniqueConstraint('candidacy_id', 'department', name=op.f('uq_department_signoff_candidacy_id'))
    )
    with op.batch_alter_table('department_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_signoff_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('report_on', sa.Date(), nullable=True),
    sa.Column('votes', sa.JSON(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('outcome', sa.Enum('excellent', 'satisfied', 'basic', 'unsatisfied', name='evaluationgrade', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_evaluation_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('pending', 'clear', 'hit', 'doubt', name='findingresult', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_finding_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['rule.id'], name=op.f('fk_finding_rule_id_rule'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('candidacy_id', 'rule_id', 'department', name=op.f('uq_finding_candidacy_id'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_rule_id'), ['rule_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=True),
    sa.Column('raised_by', sa.String(length=64), nullable=False),
    sa.Column('about_name', sa.String(length=64), nullable=False),
    sa.Column('ground', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('pending', 'upheld', 'rejected', name='objectionoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_objection_village_id_village'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['voter.id'], name=op.f('fk_objection_voter_id_voter'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_village_id'), ['village_id'], unique=False)

    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('discipline', 'term_goals', 'resignation', 'qualification', 'integrity', name='pledgekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'reviewed', 'signed', 'refused', name='pledgestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rendered_title', sa.String(length=128), nullable=False),
    sa.Column('rendered_text', sa.Text(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('witness', sa.String(length=64), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('scan_path', sa.String(length=255), nullable=False),
    sa.Column('scan_sha256', sa.String(length=64), nullable=False),
    sa.Column('refused_on', sa.Date(), nullable=True),
    sa.Column('refusal_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_pledge_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['pledge_template.id'], name=op.f('fk_pledge_template_id_pledge_template'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge')),
    sa.UniqueConstraint('candidacy_id', 'kind', name=op.f('uq_pledge_candidacy_id'))
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('proxy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('authorized_on', sa.Date(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['voter.id'], name=op.f('fk_proxy_holder_id_voter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['principal_id'], ['voter.id'], name=op.f('fk_proxy_principal_id_voter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy')),
    sa.UniqueConstraint('principal_id', name=op.f('uq_proxy_principal_id'))
    )
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_holder_id'), ['holder_id'], unique=False)

    op.create_table('recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_recusal_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['rater.id'], name=op.f('fk_recusal_rater_id_rater'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal')),
    sa.UniqueConstraint('rater_id', 'candidacy_id', name=op.f('uq_recusal_rater_id'))
    )
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusal_rater_id'), ['rater_id'], unique=False)

    op.create_table('review_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('village', 'township', 'county', name='reviewstage', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decision', sa.Enum('pass', 'fail', 'advise_withdraw', 'pending', name='reviewdecision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_review_step_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_step'))
    )
    with op.batch_alter_table('review_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_step_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('score_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_score_decision_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['score_scheme.id'], name=op.f('fk_score_decision_scheme_id_score_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_decision'))
    )
    with op.batch_alter_table('score_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_decision_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_decision_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('entry_no', sa.Integer(), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['rater_id'], ['rater.id'], name=op.f('fk_score_sheet_rater_id_rater'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('rater_id', 'entry_no', name=op.f('uq_score_sheet_rater_id'))
    )
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheet_rater_id'), ['rater_id'], unique=False)

    op.create_table('pledge_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('struck', sa.Boolean(), nullable=False),
    sa.Column('struck_reason', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_pledge_item_pledge_id_pledge'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_item'))
    )
    with op.batch_alter_table('pledge_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_item_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('pledge_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_body', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.Enum('pass', 'fail', 'advise_withdraw', 'pending', name='reviewdecision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_pledge_review_pledge_id_pledge'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_review'))
    )
    with op.batch_alter_table('pledge_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_review_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_score_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['score_criterion.id'], name=op.f('fk_score_criterion_id_score_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_score_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score')),
    sa.UniqueConstraint('sheet_id', 'candidacy_id', 'criterion_id', name=op.f('uq_score_sheet_id'))
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('tally_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('entry_no', sa.Integer(), nullable=False),
    sa.Column('ballot_candidate_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('agree', sa.Integer(), nullable=False),
    sa.Column('disagree', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['ballot_candidate_id'], ['ballot_candidate.id'], name=op.f('fk_tally_entry_ballot_candidate_id_ballot_candidate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_tally_entry_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_entry')),
    sa.UniqueConstraint('contest_id', 'entry_no', 'ballot_candidate_id', 'post', name=op.f('uq_tally_entry_contest_id'))
    )
    with op.batch_alter_table('tally_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_entry_contest_id'), ['contest_id'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('pledge_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('status', sa.Enum('registered', 'in_progress', 'reported_done', 'closed', 'overdue', 'kept', 'partly_kept', 'broken', name='commitmentstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('percent_done', sa.Integer(), nullable=False),
    sa.Column('final_verdict_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_commitment_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pledge_item_id'], ['pledge_item.id'], name=op.f('fk_commitment_pledge_item_id_pledge_item'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment')),
    sa.UniqueConstraint('pledge_item_id', name=op.f('uq_commitment_pledge_item_id'))
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('commitment_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_commitment_status_change_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_status_change'))
    )
    with op.batch_alter_table('commitment_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_status_change_commitment_id'), ['commitment_id'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('overdue', 'warning_talk', 'resignation_trigger', 'team_adjustment', name='flagkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacy.id'], name=op.f('fk_flag_candidacy_id_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_flag_commitment_id_commitment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag'))
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_progress_report_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_commitment_id'), ['commitment_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_commitment_id'))

    op.drop_table('progress_report')
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_candidacy_id'))

    op.drop_table('flag')
    with op.batch_alter_table('commitment_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_status_change_commitment_id'))

    op.drop_table('commitment_status_change')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_candidacy_id'))

    op.drop_table('commitment')
    with op.batch_alter_table('tally_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_entry_contest_id'))

    op.drop_table('tally_entry')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_score_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_score_candidacy_id'))

    op.drop_table('score')
    with op.batch_alter_table('pledge_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_review_pledge_id'))

    op.drop_table('pledge_review')
    with op.batch_alter_table('pledge_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_item_pledge_id'))

    op.drop_table('pledge_item')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheet_rater_id'))

    op.drop_table('score_sheet')
    with op.batch_alter_table('score_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_decision_scheme_id'))
        batch_op.drop_index(batch_op.f('ix_score_decision_candidacy_id'))

    op.drop_table('score_decision')
    with op.batch_alter_table('review_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_step_candidacy_id'))

    op.drop_table('review_step')
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusal_rater_id'))
        batch_op.drop_index(batch_op.f('ix_recusal_candidacy_id'))

    op.drop_table('recusal')
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proxy_holder_id'))

    op.drop_table('proxy')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_candidacy_id'))

    op.drop_table('pledge')
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_village_id'))

    op.drop_table('objection')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_rule_id'))
        batch_op.drop_index(batch_op.f('ix_finding_candidacy_id'))

    op.drop_table('finding')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_candidacy_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('department_signoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_signoff_candidacy_id'))

    op.drop_table('department_signoff')
    with op.batch_alter_table('ballot_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_candidate_contest_id'))

    op.drop_table('ballot_candidate')
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_village_id'))
        batch_op.drop_index(batch_op.f('ix_voter_person_id'))
        batch_op.drop_index(batch_op.f('ix_voter_name_initials'))
        batch_op.drop_index(batch_op.f('ix_voter_name'))
        batch_op.drop_index(batch_op.f('ix_voter_id_number'))
        batch_op.drop_index('ix_voter_cycle_village')

    op.drop_table('voter')
    op.drop_table('result')
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relationship_person_b_id'))
        batch_op.drop_index(batch_op.f('ix_relationship_person_a_id'))

    op.drop_table('relationship')
    with op.batch_alter_table('rater', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rater_scheme_id'))

    op.drop_table('rater')
    with op.batch_alter_table('lock_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lock_event_contest_id'))

    op.drop_table('lock_event')
    with op.batch_alter_table('contest_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_post_contest_id'))

    op.drop_table('contest_post')
    with op.batch_alter_table('candidacy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidacy_person_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_organization_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_cycle_id'))

    op.drop_table('candidacy')
    with op.batch_alter_table('ballot_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_record_contest_id'))

    op.drop_table('ballot_record')
    with op.batch_alter_table('seat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_organization_id'))

    op.drop_table('seat')
    with op.batch_alter_table('score_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_criterion_scheme_id'))

    op.drop_table('score_criterion')
    with op.batch_alter_table('rater_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rater_group_scheme_id'))

    op.drop_table('rater_group')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_village_id'))
        batch_op.drop_index(batch_op.f('ix_person_name_initials'))
        batch_op.drop_index(batch_op.f('ix_person_name'))

    op.drop_table('person')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_organization_id'))

    op.drop_table('contest')
    with op.batch_alter_table('village_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_group_village_id'))

    op.drop_table('village_group')
    op.drop_table('score_scheme')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_village_id'))
        batch_op.drop_index(batch_op.f('ix_organization_cycle_id'))

    op.drop_table('organization')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_township_id'))

    op.drop_table('village')
    with op.batch_alter_table('rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_rule_set_id'))

    op.drop_table('rule')
    with op.batch_alter_table('election_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_cycle_township_id'))

    op.drop_table('election_cycle')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_entity'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('township')
    op.drop_table('setting')
    op.drop_table('rule_set')
    op.drop_table('pledge_template')
    op.drop_table('app_user')

