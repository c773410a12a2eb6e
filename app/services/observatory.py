"""The territory's observatory: what the ESS does on Essaim, counted by SQL aggregates.

Every figure is one GROUP BY query (or one row of scalar subqueries), never a loop over rows,
and comes back as a plain `Figure` (title, column labels, rows of labels and numbers): the
observatory page draws it, the CSV downloads and the animator export write it, and the JSON API
returns it as it is. Definitions (docs/observatory.md):

- a posting counts once published (status published or closed; drafts never count);
- a match is « acceptée » when the supplier answered it (interested, or contacted);
- a groupement is « formé » once complete or submitted;
- an ESS structure is an organisation of kind `ess`; a tender « a reçu une candidature ESS »
  when an ESS structure accepted its match or joined a groupement on it;
- insertion hours are the hours of social clauses (`insertion_hours`) of published tenders;
- SDGs come from the filières through `data/sdg_filieres.csv`.

Figures are cached per process and database for `CACHE_SECONDS` (a GET never writes).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from app.labels import SDG
from models import (
    Award,
    Commune,
    Consortium,
    ConsortiumMember,
    Filiere,
    LegalForm,
    Match,
    Organisation,
    Posting,
)
from models.organisation import organisation_filieres
from models.posting import posting_filieres
from models.reference_data import read_csv

CACHE_SECONDS = 120.0
PUBLISHED = Posting.status.in_(("published", "closed"))
ESS = Organisation.kind == "ess"
ANSWERED = ("interested", "contacted")
FORMED = ("complete", "submitted")
SDG_MAPPING_FILE = "sdg_filieres.csv"


@dataclass(frozen=True)
class Figure:
    """One table of the observatory: `rows` hold a label then one number per value column."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    chart: str = "bars"  # bars (by category) | timeline (by month) | table (no chart)
    note: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": list(self.columns),
                "rows": [list(row) for row in self.rows], "chart": self.chart, "note": self.note}


def _count_if(condition: ColumnElement[bool]):
    return func.count(case((condition, 1)))


def _rows(session: Session, statement: Select) -> list[tuple]:
    return [tuple(row) for row in session.execute(statement)]


def _by_filiere(session: Session, aggregate: Select) -> list[tuple]:
    """Every filière in the roadmap's order with the values `aggregate` computed per
    `filiere_id` (its first column); 0 where it has no row. Aggregating before naming keeps
    the GROUP BY on the link table's key, read from indexes only."""
    counts = aggregate.subquery()
    values = [func.coalesce(column, 0) for column in list(counts.c)[1:]]
    return _rows(session, select(Filiere.name, *values)
                 .outerjoin(counts, list(counts.c)[0] == Filiere.id).order_by(Filiere.position))


ORG_LINK, POSTING_LINK = organisation_filieres.c, posting_filieres.c


def organisations_by_filiere(session: Session) -> Figure:
    aggregate = (select(ORG_LINK.filiere_id, func.count(), _count_if(ESS))
                 .join(Organisation, Organisation.id == ORG_LINK.organisation_id)
                 .group_by(ORG_LINK.filiere_id))
    return Figure("organisations-filiere", "Organisations par filière",
                  ("Filière", "Organisations", "dont structures de l'ESS"),
                  _by_filiere(session, aggregate))


def organisations_by_commune(session: Session) -> Figure:
    count = func.count(Organisation.id)
    statement = (select(Commune.name, count, _count_if(ESS)).join(Organisation.commune)
                 .group_by(Commune.insee, Commune.name).order_by(count.desc(), Commune.name))
    return Figure("organisations-commune", "Organisations par commune",
                  ("Commune", "Organisations", "dont structures de l'ESS"),
                  _rows(session, statement))


def organisations_by_legal_form(session: Session) -> Figure:
    count = func.count(Organisation.id)
    label = func.coalesce(LegalForm.label, "Non renseignée")
    statement = (select(label, count).select_from(Organisation).outerjoin(Organisation.legal_form)
                 .group_by(label).order_by(count.desc(), label))
    return Figure("organisations-forme", "Organisations par forme juridique",
                  ("Forme juridique", "Organisations"), _rows(session, statement))


def _directions() -> tuple:
    return (_count_if(Posting.direction == "need"), _count_if(Posting.direction == "offer"))


def _per_filiere(source, posting_id, *columns) -> Select:
    """`columns` aggregated per filière of the posting `posting_id` of each `source` row."""
    return (select(POSTING_LINK.filiere_id, *columns).select_from(source)
            .join(posting_filieres, POSTING_LINK.posting_id == posting_id)
            .group_by(POSTING_LINK.filiere_id))


def postings_by_filiere(session: Session) -> Figure:
    aggregate = _per_filiere(Posting, Posting.id, *_directions()).where(PUBLISHED)
    return Figure("annonces-filiere", "Besoins et offres publiés par filière",
                  ("Filière", "Besoins", "Offres"), _by_filiere(session, aggregate))


def postings_by_commune(session: Session) -> Figure:
    count = func.count(Posting.id)
    statement = (select(Commune.name, *_directions()).join(Posting.commune).where(PUBLISHED)
                 .group_by(Commune.insee, Commune.name).order_by(count.desc(), Commune.name))
    return Figure("annonces-commune", "Besoins et offres publiés par commune",
                  ("Commune", "Besoins", "Offres"), _rows(session, statement))


def matches_by_filiere(session: Session) -> Figure:
    aggregate = _per_filiere(Match, Match.need_id, func.count(),
                             _count_if(Match.status.in_(ANSWERED)))
    return Figure("mises-en-relation-filiere", "Mises en relation par filière du besoin",
                  ("Filière", "Proposées", "Acceptées par le fournisseur"),
                  _by_filiere(session, aggregate))


def consortia_by_filiere(session: Session) -> Figure:
    aggregate = _per_filiere(Consortium, Consortium.posting_id, func.count(),
                             _count_if(Consortium.status.in_(FORMED)))
    return Figure("groupements-filiere", "Groupements par filière de l'appel d'offres",
                  ("Filière", "Groupements", "dont formés (complets ou déposés)"),
                  _by_filiere(session, aggregate))


def awards_by_filiere(session: Session) -> Figure:
    aggregate = (_per_filiere(Award, Award.posting_id, func.count(), _count_if(ESS))
                 .outerjoin(Organisation, Organisation.id == Award.organisation_id))
    return Figure("attributions-filiere", "Marchés attribués par filière",
                  ("Filière", "Attributions", "dont à des structures de l'ESS"),
                  _by_filiere(session, aggregate))


def insertion_by_filiere(session: Session) -> Figure:
    aggregate = (_per_filiere(Posting, Posting.id, func.count(),
                              func.sum(Posting.insertion_hours))
                 .where(PUBLISHED, Posting.insertion_hours > 0))
    return Figure("heures-insertion-filiere", "Heures d'insertion des clauses sociales",
                  ("Filière", "Annonces avec clause sociale", "Heures d'insertion"),
                  _by_filiere(session, aggregate))


def _month(session: Session, column) -> ColumnElement[str]:
    """`YYYY-MM` of a date or timestamp, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _monthly(session: Session, column, *where) -> dict[str, int]:
    month = _month(session, column)
    statement = (select(month, func.count()).where(column.is_not(None), *where)
                 .group_by(month))
    return dict(session.execute(statement).all())


TIMELINE_SERIES = (
    ("Organisations inscrites", lambda: (Organisation.created_at,)),
    ("Besoins publiés", lambda: (Posting.published_at, Posting.direction == "need")),
    ("Offres publiées", lambda: (Posting.published_at, Posting.direction == "offer")),
    ("Mises en relation acceptées", lambda: (Match.updated_at, Match.status.in_(ANSWERED))),
    ("Groupements créés", lambda: (Consortium.created_at,)),
    ("Marchés attribués", lambda: (Award.notified_on,)),
)


def timeline(session: Session) -> Figure:
    """One GROUP BY month per series, merged by month (a few dozen keys, not rows)."""
    series = [_monthly(session, *make()) for _label, make in TIMELINE_SERIES]
    months = sorted(set().union(*series))
    rows = [(month, *(counts.get(month, 0) for counts in series)) for month in months]
    return Figure("evolution-mensuelle", "Évolution mois par mois",
                  ("Mois", *(label for label, _make in TIMELINE_SERIES)), rows,
                  chart="timeline")


@lru_cache(maxsize=1)
def sdg_mapping() -> tuple[tuple[str, int], ...]:
    """(filière id, SDG number) pairs of `data/sdg_filieres.csv`."""
    return tuple((row["filiere_id"], int(row["sdg"])) for row in read_csv(SDG_MAPPING_FILE))


def _joined_ids(session: Session, column) -> ColumnElement[str]:
    """The group's values joined by commas, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(column, literal_column("','"))
    return func.group_concat(column, ",")


def _combinations(session: Session, owner, filiere, *joins_and_where) -> dict[str, int]:
    """How many owners (organisations or postings) have each combination of filières: a few
    dozen combinations, whatever the number of rows, from which every SDG count is exact."""
    per_owner = select(owner.label("owner"), _joined_ids(session, filiere).label("combination"))
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


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


TENDER = and_(Posting.direction == "need", Posting.type == "tender", PUBLISHED)


def _tenders_among(posting_ids) -> Select:
    """How many published tenders a column of posting ids (duplicates allowed) holds."""
    ids = select(posting_ids.label("posting_id")).distinct().subquery()
    return (select(func.count()).select_from(ids)
            .join(Posting, Posting.id == ids.c.posting_id).where(TENDER))


def _ess_candidate(session: Session) -> ColumnElement[bool]:
    """An ESS structure accepted the tender's match, or joined a groupement on it.

    Each database gets the plan it runs well (measured, docs/observatory.md): PostgreSQL
    hashes the two id lists once (`IN`); SQLite probes `ix_matches_need_id_status`, which
    covers need, status and supplier, per tender (`EXISTS`)."""
    answered = (select(Match.need_id).join(Organisation, Organisation.id == Match.organisation_id)
                .where(Match.status.in_(ANSWERED), ESS))
    joined = (select(Consortium.posting_id).join(ConsortiumMember).join(Organisation)
              .where(ConsortiumMember.invitation_status == "accepted", ESS))
    if session.get_bind().dialect.name == "postgresql":
        return or_(Posting.id.in_(answered), Posting.id.in_(joined))
    return or_(exists(answered.where(Match.need_id == Posting.id)),
               exists(joined.where(Consortium.posting_id == Posting.id)))


def procurement_counts(session: Session) -> dict[str, int]:
    """Published tenders, those with ESS candidates, awarded, won by ESS, hours, reserved:
    tenders read from their covering index, awards counted from the (smaller) awards table."""
    tenders = select(func.count(), _count_if(_ess_candidate(session)),
                     func.coalesce(func.sum(Posting.insertion_hours), 0),
                     _count_if(Posting.reserved != "none")).where(TENDER)
    ess_winners = select(Award.posting_id).join(Organisation).where(ESS)
    awarded, won = session.execute(select(
        _tenders_among(Award.posting_id).scalar_subquery(),
        _tenders_among(ess_winners.subquery().c.posting_id).scalar_subquery())).one()
    total, candidates, hours, reserved = session.execute(tenders).one()
    values = (total, candidates, awarded, won, hours, reserved)
    keys = ("tenders", "with_ess_candidates", "awarded", "won_by_ess", "insertion_hours",
            "reserved")
    return {key: int(value or 0) for key, value in zip(keys, values, strict=True)}


def procurement(session: Session) -> Figure:
    """The public procurement indicators of the roadmap's lever 6 (SPASER)."""
    c = procurement_counts(session)
    rows = [
        ("Appels d'offres publiés", c["tenders"]),
        ("… ayant reçu une candidature de l'ESS", c["with_ess_candidates"]),
        ("Part des appels d'offres avec candidature ESS (%)",
         _share(c["with_ess_candidates"], c["tenders"])),
        ("Appels d'offres attribués", c["awarded"]),
        ("… remportés par une structure de l'ESS", c["won_by_ess"]),
        ("Part des attributions remportées par l'ESS (%)", _share(c["won_by_ess"], c["awarded"])),
        ("Heures d'insertion des clauses sociales", c["insertion_hours"]),
        ("Marchés réservés (SIAE, EA-ESAT)", c["reserved"]),
    ]
    return Figure("commande-publique", "Commande publique", ("Indicateur", "Valeur"), rows,
                  chart="table")


def headline(session: Session) -> dict[str, int]:
    """The page's key numbers, in one round trip."""
    def count(model, *where):
        return select(func.count(model.id)).where(*where).scalar_subquery()

    keys = ("organisations", "ess", "needs", "offers", "answered", "consortia", "awards_ess")
    row = session.execute(select(
        count(Organisation), count(Organisation, ESS),
        count(Posting, PUBLISHED, Posting.direction == "need"),
        count(Posting, PUBLISHED, Posting.direction == "offer"),
        count(Match, Match.status.in_(ANSWERED)), count(Consortium, Consortium.status.in_(FORMED)),
        select(func.count(Award.id)).join(Organisation).where(ESS).scalar_subquery())).one()
    return dict(zip(keys, (int(value) for value in row), strict=True))


FIGURES: dict[str, Callable[[Session], Figure]] = {
    "organisations-filiere": organisations_by_filiere,
    "organisations-commune": organisations_by_commune,
    "organisations-forme": organisations_by_legal_form,
    "annonces-filiere": postings_by_filiere,
    "annonces-commune": postings_by_commune,
    "mises-en-relation-filiere": matches_by_filiere,
    "groupements-filiere": consortia_by_filiere,
    "attributions-filiere": awards_by_filiere,
    "commande-publique": procurement,
    "heures-insertion-filiere": insertion_by_filiere,
    "odd": lambda session: sdg_figure(session, SDG),
    "evolution-mensuelle": timeline,
}


class FigureCache:
    """Per-process figures per database, `ttl` seconds old at most."""

    def __init__(self, ttl: float = CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[tuple, tuple[float, object]] = {}

    def get(self, session: Session, key: str, compute: Callable[[Session], object]):
        entry_key, now = (session.get_bind(), key), time.monotonic()
        loaded_at, value = self._entries.get(entry_key, (float("-inf"), None))
        if value is None or now - loaded_at >= self.ttl:
            value = compute(session)
            self._entries[entry_key] = (now, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


CACHE = FigureCache()


def figure(session: Session, key: str) -> Figure | None:
    """One figure by its key (None when unknown), from the cache."""
    compute = FIGURES.get(key)
    return CACHE.get(session, key, compute) if compute else None


def all_figures(session: Session) -> list[Figure]:
    return [figure(session, key) for key in FIGURES]


def key_numbers(session: Session) -> dict[str, int]:
    return CACHE.get(session, "headline", headline)


EXPORT_HEADER = ("Indicateur", "Catégorie", "Mesure", "Valeur")


def indicator_rows(session: Session) -> list[tuple]:
    """Every figure in long form (one value per line), for the animators' reporting."""
    numbers = [("Chiffres clés", KEY_NUMBER_LABELS[key], "Nombre", value)
               for key, value in key_numbers(session).items()]
    return numbers + [(item.title, row[0], column, value)
                      for item in all_figures(session)
                      for row in item.rows
                      for column, value in zip(item.columns[1:], row[1:], strict=True)]


KEY_NUMBER_LABELS = {
    "organisations": "Organisations inscrites", "ess": "Structures de l'ESS",
    "needs": "Besoins publiés", "offers": "Offres publiées",
    "answered": "Mises en relation acceptées", "consortia": "Groupements formés",
    "awards_ess": "Marchés remportés par l'ESS",
}
