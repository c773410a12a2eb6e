"""follow-up history, reminders sent, suggestion feedback; consortia.outcome

Revision ID: f11follow01
Revises: a1c0ffee0009
Create Date: 2026-12-05 06:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'f11follow01'
down_revision: Union[str, Sequence[str], None] = 'o12obs01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'follow_up_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('consortium_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(organisation_id IS NULL) <> (consortium_id IS NULL)',
                           name=op.f('ck_follow_up_events_one_candidate')),
        sa.ForeignKeyConstraint(['need_id'], ['postings.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_events_need_id_postings')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_events_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['consortium_id'], ['consortia.id'], ondelete='CASCADE',
                                name=op.f('fk_follow_up_events_consortium_id_consortia')),
        sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_follow_up_events_actor_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_events')),
    )
    for column in ('need_id', 'organisation_id', 'consortium_id', 'kind', 'created_at'):
        op.create_index(op.f(f'ix_follow_up_events_{column}'), 'follow_up_events', [column])
    op.create_table(
        'reminders_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('posting_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], ondelete='CASCADE',
                                name=op.f('fk_reminders_sent_posting_id_postings')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_reminders_sent_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
        sa.UniqueConstraint('posting_id', 'organisation_id', 'kind',
                            name=op.f('uq_reminders_sent_posting_id')),
    )
    op.create_index(op.f('ix_reminders_sent_posting_id'), 'reminders_sent', ['posting_id'])
    op.create_table(
        'suggestion_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=10), nullable=False),
        sa.Column('useful', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE',
                                name=op.f('fk_suggestion_feedback_match_id_matches')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_suggestion_feedback_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_feedback')),
        sa.UniqueConstraint('match_id', 'user_id', name=op.f('uq_suggestion_feedback_match_id')),
    )
    op.create_index(op.f('ix_suggestion_feedback_match_id'), 'suggestion_feedback',
                    ['match_id'])
    with op.batch_alter_table('consortia') as batch:
        batch.add_column(sa.Column('outcome', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('consortia') as batch:
        batch.drop_column('outcome')
    op.drop_index(op.f('ix_suggestion_feedback_match_id'), table_name='suggestion_feedback')
    op.drop_table('suggestion_feedback')
    op.drop_index(op.f('ix_reminders_sent_posting_id'), table_name='reminders_sent')
    op.drop_table('reminders_sent')
    for column in ('need_id', 'organisation_id', 'consortium_id', 'kind', 'created_at'):
        op.drop_index(op.f(f'ix_follow_up_events_{column}'), table_name='follow_up_events')
    op.drop_table('follow_up_events')
