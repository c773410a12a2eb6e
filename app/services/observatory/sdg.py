"""Sustainable Development Goals served, through the filière → SDG mapping (data/)."""

from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.observatory.categories import ORG_LINK, POSTING_LINK
from app.services.observatory.common import PUBLISHED, Figure, joined_ids
from models import Posting
from models.reference_data import read_csv

SDG_MAPPING_FILE = "sdg_filieres.csv"


@lru_cache(maxsize=1)
def sdg_mapping() -> tuple[tuple[str, int], ...]:
    """(filière id, SDG number) pairs of `data/sdg_filieres.csv`."""
    return tuple((row["filiere_id"], int(row["sdg"])) for row in read_csv(SDG_MAPPING_FILE))


def _combinations(session: Session, owner, filiere, *joins_and_where) -> dict[str, int]:
    """How many owners (organisations or postings) have each combination of filières: a few
    dozen combinations, whatever the number of rows, from which every SDG count is exact."""
    per_owner = select(owner.label("owner"), joined_ids(session, filiere).label("combination"))
    for step in joins_and_where:
        per_owner = step(per_owner)
    inner = per_owner.group_by(owner).subquery()
    return dict(session.execute(select(inner.c.combination, func.count())
                                .group_by(inner.c.combination)).all())


def _per_goal(combinations: dict[str, int]) -> dict[int, int]:
    goals_of: dict[str, set[int]] = {}
    for filiere, goal in sdg_mapping():
        goals_of.setdefault(filiere, set()).add(goal)
    totals: dict[int, int] = {}
    for combination, count in combinations.items():
        for goal in set().union(*(goals_of.get(f, set()) for f in combination.split(","))):
            totals[goal] = totals.get(goal, 0) + count
    return totals


def sdg_figure(session: Session, labels: dict[int, str]) -> Figure:
    """Organisations and published needs per SDG, each counted once per goal."""
    link = POSTING_LINK
    organisations = _per_goal(_combinations(
        session, ORG_LINK.organisation_id, ORG_LINK.filiere_id))
    needs = _per_goal(_combinations(
        session, link.posting_id, link.filiere_id,
        lambda s: s.join(Posting, Posting.id == link.posting_id),
        lambda s: s.where(PUBLISHED, Posting.direction == "need")))
    goals = sorted({goal for _filiere, goal in sdg_mapping()})
    rows = [(f"ODD {goal} · {labels.get(goal, '')}", organisations.get(goal, 0),
             needs.get(goal, 0)) for goal in goals]
    return Figure("odd", "Objectifs de développement durable servis (par les filières)",
                  ("Objectif", "Organisations", "Besoins publiés"), rows,
                  note="Correspondance filière → ODD : data/sdg_filieres.csv.")
