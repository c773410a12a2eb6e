"""Counts by category: filière, commune, legal form (organisations, postings, matches,
groupements, awards, insertion hours)."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.services.observatory.common import (
    ANSWERED,
    ESS,
    FORMED,
    PUBLISHED,
    Figure,
    count_if,
    fetch_rows,
)
from models import Award, Commune, Consortium, Filiere, LegalForm, Match, Organisation, Posting
from models.organisation import organisation_filieres
from models.posting import posting_filieres


def _by_filiere(session: Session, aggregate: Select) -> list[tuple]:
    """Every filière in the roadmap's order with the values `aggregate` computed per
    `filiere_id` (its first column); 0 where it has no row. Aggregating before naming keeps
    the GROUP BY on the link table's key, read from indexes only."""
    counts = aggregate.subquery()
    values = [func.coalesce(column, 0) for column in list(counts.c)[1:]]
    return fetch_rows(session, select(Filiere.name, *values)
                 .outerjoin(counts, list(counts.c)[0] == Filiere.id).order_by(Filiere.position))


ORG_LINK, POSTING_LINK = organisation_filieres.c, posting_filieres.c


def organisations_by_filiere(session: Session) -> Figure:
    aggregate = (select(ORG_LINK.filiere_id, func.count(), count_if(ESS))
                 .join(Organisation, Organisation.id == ORG_LINK.organisation_id)
                 .group_by(ORG_LINK.filiere_id))
    return Figure("organisations-filiere", "Organisations par filière",
                  ("Filière", "Organisations", "dont structures de l'ESS"),
                  _by_filiere(session, aggregate))


def organisations_by_commune(session: Session) -> Figure:
    count = func.count(Organisation.id)
    statement = (select(Commune.name, count, count_if(ESS)).join(Organisation.commune)
                 .group_by(Commune.insee, Commune.name).order_by(count.desc(), Commune.name))
    return Figure("organisations-commune", "Organisations par commune",
                  ("Commune", "Organisations", "dont structures de l'ESS"),
                  fetch_rows(session, statement))


def organisations_by_legal_form(session: Session) -> Figure:
    count = func.count(Organisation.id)
    label = func.coalesce(LegalForm.label, "Non renseignée")
    statement = (select(label, count).select_from(Organisation).outerjoin(Organisation.legal_form)
                 .group_by(label).order_by(count.desc(), label))
    return Figure("organisations-forme", "Organisations par forme juridique",
                  ("Forme juridique", "Organisations"), fetch_rows(session, statement))


def _directions() -> tuple:
    return (count_if(Posting.direction == "need"), count_if(Posting.direction == "offer"))


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
                  ("Commune", "Besoins", "Offres"), fetch_rows(session, statement))


def matches_by_filiere(session: Session) -> Figure:
    aggregate = _per_filiere(Match, Match.need_id, func.count(),
                             count_if(Match.status.in_(ANSWERED)))
    return Figure("mises-en-relation-filiere", "Mises en relation par filière du besoin",
                  ("Filière", "Proposées", "Acceptées par le fournisseur"),
                  _by_filiere(session, aggregate))


def consortia_by_filiere(session: Session) -> Figure:
    aggregate = _per_filiere(Consortium, Consortium.posting_id, func.count(),
                             count_if(Consortium.status.in_(FORMED)))
    return Figure("groupements-filiere", "Groupements par filière de l'appel d'offres",
                  ("Filière", "Groupements", "dont formés (complets ou déposés)"),
                  _by_filiere(session, aggregate))


def awards_by_filiere(session: Session) -> Figure:
    aggregate = (_per_filiere(Award, Award.posting_id, func.count(), count_if(ESS))
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
