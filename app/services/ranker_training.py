"""Learn the ranker from the marketplace's outcomes (and labelled sets): `flask train-ranker`.

An outcome labels a need's candidates: the awarded organisation (``Award``) 2, a match the
buyer shortlisted or contacted (or the supplier said it is interested in) 1, a dismissed or
declined one 0 like every other candidate. A need with no positive outcome teaches nothing.
The features are those the product computes now (``Matcher.need_features``), so the model
learns how today's signals relate to what buyers chose.
"""

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.infra.index_holder import current_index
from app.services.matching_profiles import need_from_posting, offer_key, org_key
from matching.dataset import load_dataset
from matching.ranker import Group, Ranker, balanced, figures, learn
from models import Award, Match, Posting

POSITIVE = {"shortlisted": 1.0, "contacted": 1.0, "interested": 1.0}
AWARDED = 2.0
DEFAULT_STRENGTH = 10.0  # the prior is worth 10 needs with outcomes (when the file says none)


def outcome_labels(session: Session) -> dict[int, dict[str, float]]:
    """{need id: {profile id: grade}} from matches and awards."""
    labels: dict[int, dict[str, float]] = defaultdict(dict)
    for match in session.scalars(select(Match).where(Match.status.in_(POSITIVE))):
        key = org_key(match.organisation_id) if match.organisation_id else offer_key(
            match.offer_id)
        labels[match.need_id][key] = max(POSITIVE[match.status],
                                         labels[match.need_id].get(key, 0.0))
    for award in session.scalars(select(Award).where(Award.organisation_id.is_not(None))):
        labels[award.posting_id][org_key(award.organisation_id)] = AWARDED
    return dict(labels)


def marketplace_groups(session: Session) -> list[Group]:
    """One training group per need with a positive outcome, ranked over today's suppliers."""
    labels = outcome_labels(session)
    postings = session.scalars(select(Posting).where(Posting.id.in_(list(labels))))
    groups = []
    with current_index().suppliers.using(session) as matcher:
        for posting in postings:
            table = matcher.need_features(need_from_posting(posting))
            groups.append(Group(table, labels[posting.id]))
    return [g for g in groups if any(g.labels.get(i, 0) > 0 for i in g.table.ids)]


def dataset_groups(folder: Path) -> list[Group]:
    """Groups of a BEIR-layout labelled set (DEV, the DECP training month…)."""
    from matching.api import Matcher
    from matching.ranker import HAND_SET

    data = load_dataset(folder)
    matcher = Matcher(ranker=HAND_SET).fit(data.profiles)
    return [Group(matcher.need_features(need), data.qrels[need.id])
            for need in data.needs if need.id in data.qrels]


def train(session: Session, datasets: list[Path],
          prior: Ranker) -> tuple[Ranker, dict[str, int], dict[str, float]]:
    """A ranker learned from the outcomes and the sets (each weighing the same), starting from
    ``prior`` (the shipped ranker: its features, its weights as the prior, its strength), with
    the number of queries per source and its figures on the outcomes it learned from."""
    sources = {"marketplace": marketplace_groups(session)}
    sources.update({folder.name: dataset_groups(folder) for folder in datasets})
    sources = {name: groups for name, groups in sources.items() if groups}
    if not sources:
        raise ValueError("Aucun résultat de mise en relation ni jeu de données pour apprendre.")
    strength = float(prior.meta.get("strength", DEFAULT_STRENGTH))
    ranker = learn(balanced(*sources.values()), prior.features, strength, prior)
    fit = figures(ranker, sources.get("marketplace", []))
    return ranker, {name: len(groups) for name, groups in sources.items()}, fit
