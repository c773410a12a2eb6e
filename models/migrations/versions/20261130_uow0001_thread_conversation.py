"""One thread per pair of organisations and subject: threads.conversation, unique.

Revision ID: uow0001
Revises: secid001
Create Date: 2026-11-30 10:00:00

Existing duplicates (created by the race this fixes) keep a NULL key: only the oldest thread
of each pair and subject gets it, so the unique index can be built on any database.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'uow0001'
down_revision: str | Sequence[str] | None = 'secid001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THREADS = sa.table('threads', sa.column('id', sa.Integer), sa.column('posting_id', sa.Integer),
                   sa.column('initiator_id', sa.Integer), sa.column('recipient_id', sa.Integer),
                   sa.column('conversation', sa.String))


def _key(initiator_id: int, recipient_id: int, posting_id: int | None) -> str:
    low, high = sorted((initiator_id, recipient_id))
    return f"{low}-{high}:{posting_id or '-'}"


def upgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conversation', sa.String(length=40), nullable=True))
    connection = op.get_bind()
    seen = set()
    rows = connection.execute(sa.select(THREADS.c.id, THREADS.c.initiator_id,
                                        THREADS.c.recipient_id, THREADS.c.posting_id)
                              .order_by(THREADS.c.id)).all()
    for thread_id, initiator_id, recipient_id, posting_id in rows:
        key = _key(initiator_id, recipient_id, posting_id)
        if key not in seen:
            seen.add(key)
            connection.execute(sa.update(THREADS).where(THREADS.c.id == thread_id)
                               .values(conversation=key))
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_threads_conversation'),
                                          ['conversation'])


def downgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_threads_conversation'), type_='unique')
        batch_op.drop_column('conversation')
