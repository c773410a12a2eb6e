"""status sources and decisions; groupement rules flag

Revision ID: g11rules01
Revises: a1c0ffee0009
Create Date: 2026-12-05 06:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'g11rules01'
down_revision: Union[str, Sequence[str], None] = 'a12plan01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SOURCES = ('siae_source', 'ea_esat_source', 'esus_source')


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        for name in SOURCES:
            batch.add_column(sa.Column(name, sa.String(length=12), nullable=False,
                                       server_default='declared'))
    with op.batch_alter_table('consortia') as batch:
        batch.add_column(sa.Column('rules_flag', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'status_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_status_decisions_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_status_decisions_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_decisions')),
    )
    op.create_index(op.f('ix_status_decisions_organisation_id'), 'status_decisions',
                    ['organisation_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_status_decisions_organisation_id'), table_name='status_decisions')
    op.drop_table('status_decisions')
    with op.batch_alter_table('consortia') as batch:
        batch.drop_column('rules_flag')
    with op.batch_alter_table('organisations') as batch:
        for name in SOURCES:
            batch.drop_column(name)
