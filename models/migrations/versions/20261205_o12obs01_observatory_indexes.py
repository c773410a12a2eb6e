"""observatory: covering indexes for the aggregates

Revision ID: o12obs01
Revises: a1c0ffee0009
Create Date: 2026-12-05 06:20:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = 'o12obs01'
down_revision: Union[str, Sequence[str], None] = 'a12api01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Counts of published postings (by direction, commune, tenders, social clauses) read
    # this index only.
    op.create_index('ix_postings_observatory', 'postings',
                    ['status', 'direction', 'type', 'commune_insee', 'insertion_hours',
                     'reserved'])
    # Per-filière counts scan the links in filière order (no sort for the GROUP BY).
    op.create_index('ix_posting_filieres_filiere_id', 'posting_filieres',
                    ['filiere_id', 'posting_id'])
    # The monthly timeline of needs and offers.
    op.create_index('ix_postings_direction_published_at', 'postings',
                    ['direction', 'published_at'])
    # Matches per need with their status and supplier (observatory, « candidature ESS »).
    op.create_index('ix_matches_need_id_status', 'matches',
                    ['need_id', 'status', 'organisation_id'])


def downgrade() -> None:
    op.drop_index('ix_matches_need_id_status', table_name='matches')
    op.drop_index('ix_postings_direction_published_at', table_name='postings')
    op.drop_index('ix_postings_observatory', table_name='postings')
    op.drop_index('ix_posting_filieres_filiere_id', table_name='posting_filieres')
