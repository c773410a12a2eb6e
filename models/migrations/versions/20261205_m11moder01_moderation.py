"""moderation queue, organisation audit log, users.email_verified_at

Revision ID: m11moder01
Revises: g11rules01
Create Date: 2026-12-05 06:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'm11moder01'
down_revision: Union[str, Sequence[str], None] = 'g11rules01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'moderation_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('membership_id', sa.Integer(), nullable=True),
        sa.Column('posting_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_moderation_items_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_moderation_items_user_id_users')),
        sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ondelete='CASCADE',
                                name=op.f('fk_moderation_items_thread_id_threads')),
        sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], ondelete='SET NULL',
                                name=op.f('fk_moderation_items_membership_id_memberships')),
        sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], ondelete='CASCADE',
                                name=op.f('fk_moderation_items_posting_id_postings')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_moderation_items_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_items')),
    )
    op.create_index(op.f('ix_moderation_items_kind'), 'moderation_items', ['kind'])
    op.create_index(op.f('ix_moderation_items_status'), 'moderation_items', ['status'])
    op.create_index(op.f('ix_moderation_items_organisation_id'), 'moderation_items',
                    ['organisation_id'])
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=False),
        sa.Column('new_value', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_audit_entries_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_audit_entries_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    op.create_index(op.f('ix_audit_entries_organisation_id'), 'audit_entries',
                    ['organisation_id'])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email_verified_at')
    op.drop_index(op.f('ix_audit_entries_organisation_id'), table_name='audit_entries')
    op.drop_table('audit_entries')
    op.drop_index(op.f('ix_moderation_items_organisation_id'), table_name='moderation_items')
    op.drop_index(op.f('ix_moderation_items_status'), table_name='moderation_items')
    op.drop_index(op.f('ix_moderation_items_kind'), table_name='moderation_items')
    op.drop_table('moderation_items')
