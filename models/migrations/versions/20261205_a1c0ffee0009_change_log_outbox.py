"""change log, outbox, stored vectors; postings.matched_at

Revision ID: a1c0ffee0009
Revises: uow0001
Create Date: 2026-12-05 02:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'a1c0ffee0009'
down_revision: Union[str, Sequence[str], None] = 'uow0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'profile_changes',
        sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_profile_changes')),
    )
    op.create_index(op.f('ix_profile_changes_key'), 'profile_changes', ['key'])
    op.create_table(
        'outbox_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events')),
    )
    op.create_index(op.f('ix_outbox_events_topic'), 'outbox_events', ['topic'])
    op.create_index(op.f('ix_outbox_events_done_at'), 'outbox_events', ['done_at'])
    op.create_table(
        'stored_vectors',
        sa.Column('model', sa.String(length=80), nullable=False),
        sa.Column('text_hash', sa.String(length=40), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('model', 'text_hash', name=op.f('pk_stored_vectors')),
    )
    with op.batch_alter_table('postings') as batch:
        batch.add_column(sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('postings') as batch:
        batch.drop_column('matched_at')
    op.drop_table('stored_vectors')
    op.drop_index(op.f('ix_outbox_events_done_at'), table_name='outbox_events')
    op.drop_index(op.f('ix_outbox_events_topic'), table_name='outbox_events')
    op.drop_table('outbox_events')
    op.drop_index(op.f('ix_profile_changes_key'), table_name='profile_changes')
    op.drop_table('profile_changes')
