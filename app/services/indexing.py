"""Rebuilding the search indexes from the database (`flask reindex`)."""

from sqlalchemy.orm import Session

from app.infra import vectors
from app.infra.index_holder import Indexes
from models import ProfileChange
from models.change_log import PROFILES_CHANGED, REBUILD, emit


def reindex_everything(session: Session, index: Indexes) -> int:
    """Store every profile's vector, then tell every process to rebuild and the worker to
    re-rank every open need; returns how many profiles were indexed."""
    count = 0
    for holder in (index.suppliers, index.postings):
        profiles = holder.everything(session)
        vectors.passages(session, holder.encoder_factory(), [p.full_text for p in profiles],
                         store=True)
        count += len(profiles)
    session.add(ProfileChange(key=REBUILD))
    emit(session, PROFILES_CHANGED, keys=[REBUILD])
    session.flush()
    return count


def vector_samples(session: Session, encoder) -> dict[str, tuple[str, str]]:
    """A passage and a query text with their hashes: the check of a shipped vectors file."""
    from app.services.matching import all_suppliers, open_needs
    from app.services.matching_profiles import need_from_posting
    from matching.api import query_text

    passage = all_suppliers(session)[0].full_text
    need = need_from_posting(open_needs(session)[0])
    query = query_text(need, need.type == "partnership")
    return {vectors.text_hash("passage", passage): ("passage", passage),
            vectors.text_hash("query", query): ("query", query)}
