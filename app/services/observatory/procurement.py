"""Public procurement (the roadmap's lever 6) and the key numbers."""

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.services.observatory.common import (
    ANSWERED,
    ESS,
    FORMED,
    PUBLISHED,
    Figure,
    count_if,
    is_postgresql,
)
from models import Award, Consortium, ConsortiumMember, Match, Organisation, Posting


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
    if is_postgresql(session):
        return or_(Posting.id.in_(answered), Posting.id.in_(joined))
    return or_(exists(answered.where(Match.need_id == Posting.id)),
               exists(joined.where(Consortium.posting_id == Posting.id)))


def procurement_counts(session: Session) -> dict[str, int]:
    """Published tenders, those with ESS candidates, awarded, won by ESS, hours, reserved:
    tenders read from their covering index, awards counted from the (smaller) awards table."""
    tenders = select(func.count(), count_if(_ess_candidate(session)),
                     func.coalesce(func.sum(Posting.insertion_hours), 0),
                     count_if(Posting.reserved != "none")).where(TENDER)
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
