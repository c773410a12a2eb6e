"""identities normalised, unique lower(email), per-user session version

Revision ID: secid001
Revises: 9bd1660d24b3
Create Date: 2026-12-01 10:00:00

Existing SIRETs and e-mails are rewritten to their normalised form (NFKC, any Unicode decimal
digit as ASCII, no spaces; e-mails lower-cased). If two rows normalise to the same value, the
migration stops before changing anything and lists them: an operator must merge or delete the
duplicates (one is probably an impersonation), then run `flask db upgrade` / alembic again.
"""
import re
import unicodedata
from collections import defaultdict
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'secid001'
down_revision: Union[str, Sequence[str], None] = '9bd1660d24b3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of the rules of this revision (migrations must not follow later code changes).


def _siret(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None
                   else c for c in text)
    return re.sub(r"[\s.\-]", "", text)


def _email(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().lower()


TARGETS = (("organisations", "siret", _siret), ("users", "email", _email))


def _normalised_rows(connection, table: str, column: str, rule) -> dict[str, list[tuple]]:
    groups: dict[str, list[tuple]] = defaultdict(list)
    for row_id, value in connection.execute(sa.text(f"SELECT id, {column} FROM {table} ORDER BY id")):
        groups[rule(value)].append((row_id, value))
    return groups


def _collisions(connection) -> list[str]:
    lines = []
    for table, column, rule in TARGETS:
        for value, rows in _normalised_rows(connection, table, column, rule).items():
            if len(rows) > 1:
                spelled = ", ".join(f"id {row_id} ({raw!r})" for row_id, raw in rows)
                lines.append(f"{table}.{column} = {value!r}: {spelled}")
    return lines


def _rewrite(connection) -> None:
    for table, column, rule in TARGETS:
        for value, rows in _normalised_rows(connection, table, column, rule).items():
            for row_id, raw in rows:
                if raw != value:
                    connection.execute(
                        sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                        {"value": value, "id": row_id})


def upgrade() -> None:
    connection = op.get_bind()
    collisions = _collisions(connection)
    if collisions:
        raise RuntimeError(
            "secid001: these rows have the same identifier once normalised; merge or delete the "
            "duplicates, then migrate again:\n  " + "\n  ".join(collisions))
    _rewrite(connection)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_email_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
