"""Translate ORM rows into the matching engine's plain types (and back to ids)."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from matching.types import Need, Profile, Reference
from models import Award, Organisation, Posting

ORG_PREFIX, OFFER_PREFIX, NEED_PREFIX, POSTING_PREFIX = "org:", "offer:", "need:", "post:"


def org_key(organisation_id: int) -> str:
    return f"{ORG_PREFIX}{organisation_id}"


def offer_key(posting_id: int) -> str:
    return f"{OFFER_PREFIX}{posting_id}"


def posting_key(posting_id: int) -> str:
    return f"{POSTING_PREFIX}{posting_id}"


def parse_key(key: str) -> tuple[str, int]:
    """('org' | 'offer' | 'post', id) from a profile id."""
    prefix, _, number = key.partition(":")
    return prefix, int(number)


def _filiere_ids(row: Organisation | Posting) -> frozenset[str]:
    return frozenset(f.id for f in row.filieres)


def organisation_text(organisation: Organisation) -> str:
    parts = [organisation.description, organisation.capacities]
    if organisation.legal_form:
        parts.append(organisation.legal_form.label)
    return " ".join(p for p in parts if p)


def _first_cpv(posting: Posting) -> str | None:
    codes = sorted(c.code for c in posting.cpv_codes)
    return codes[0] if codes else None


def reference_from_award(award: Award) -> Reference:
    """A won public contract as matching evidence: what, for whom, where, when, how much."""
    tender, buyer = award.posting, award.posting.organisation
    return Reference(
        objet=tender.title, cpv=_first_cpv(tender), buyer=buyer.siret if buyer else None,
        buyer_name=buyer.name if buyer else None,
        departement=tender.commune.department if tender.commune else None,
        date=award.notified_on.isoformat() if award.notified_on else None,
        amount=float(award.amount) if award.amount is not None else None)


def award_references(session: Session, organisations: Iterable[Organisation],
                     everything: bool = False) -> dict[int, tuple[Reference, ...]]:
    """Organisation id → its awards as references, newest first (one query): linked to it,
    or to its SIRET, as on its page (``services.references.references_for``)."""
    organisations = list(organisations)
    by_siret = {o.siret: o.id for o in organisations if o.siret}
    query = select(Award).options(
        joinedload(Award.posting).joinedload(Posting.organisation),
        joinedload(Award.posting).selectinload(Posting.cpv_codes))
    if not everything:
        ids = [o.id for o in organisations]
        if not ids:
            return {}
        query = query.where(or_(Award.organisation_id.in_(ids),
                                Award.winner_siret.in_(list(by_siret))))
    found: dict[int, list[Award]] = defaultdict(list)
    for award in session.scalars(query):
        owner = award.organisation_id or by_siret.get(award.winner_siret or "")
        if owner is not None:
            found[owner].append(award)
    return {owner: tuple(reference_from_award(a) for a in sorted(
        awards, key=lambda a: (a.notified_on is not None, a.notified_on, a.id), reverse=True))
        for owner, awards in found.items()}


def profile_from_organisation(organisation: Organisation,
                              references: tuple[Reference, ...] = ()) -> Profile:
    commune = organisation.commune
    return Profile(
        id=org_key(organisation.id), title=organisation.name,
        text=organisation_text(organisation), kind=organisation.kind,
        filieres=_filiere_ids(organisation), lat=organisation.lat, lon=organisation.lon,
        siae=organisation.siae, ea_esat=organisation.ea_esat, esus=organisation.esus,
        qpv=organisation.qpv, headcount=organisation.headcount,
        legal_form=organisation.legal_form_code,
        in_metropole=commune.in_metropole if commune else None,
        commune=commune.name if commune else None,
        references=references, naf=organisation.naf_code,
        departement=commune.department if commune else None,
    )


def profile_from_offer(offer: Posting) -> Profile:
    """An offer answers needs on behalf of its organisation, whose eligibility it carries."""
    owner = offer.organisation
    return Profile(
        id=offer_key(offer.id), title=offer.title, text=offer.description, kind="offer",
        filieres=_filiere_ids(offer), lat=offer.commune.lat, lon=offer.commune.lon,
        siae=owner.siae, ea_esat=owner.ea_esat, esus=owner.esus, qpv=owner.qpv,
        headcount=owner.headcount, legal_form=owner.legal_form_code,
        owner_id=org_key(owner.id), active=offer.is_open,
        in_metropole=offer.commune.in_metropole, commune=offer.commune.name,
    )


def need_from_posting(posting: Posting) -> Need:
    """A published need; a public buyer's tender also says who buys, its CPV and when."""
    reserved = posting.reserved if posting.reserved in ("siae", "ea_esat") else None
    buyer = posting.organisation
    public = buyer is not None and buyer.kind == "public_buyer"
    published = posting.published_at or posting.created_at
    return Need(
        id=f"{NEED_PREFIX}{posting.id}", title=posting.title, text=posting.description,
        type=posting.type, filieres=_filiere_ids(posting),
        lat=posting.commune.lat, lon=posting.commune.lon, reserved=reserved,
        max_km=posting.max_km, requester_id=org_key(posting.organisation_id),
        lots=tuple(f"{lot.title}. {lot.description}".strip() for lot in posting.lots),
        in_metropole=posting.commune.in_metropole,
        buyer=buyer.siret if public else None, buyer_name=buyer.name if public else None,
        cpv=_first_cpv(posting), departement=posting.commune.department,
        date=published.date().isoformat() if published else None,
    )


def profile_for_search(posting: Posting) -> Profile:
    """Any published posting (need or offer) as a searchable document."""
    return Profile(
        id=posting_key(posting.id), title=posting.title, text=posting.description, kind="offer",
        filieres=_filiere_ids(posting), lat=posting.commune.lat, lon=posting.commune.lon,
        owner_id=org_key(posting.organisation_id), in_metropole=posting.commune.in_metropole,
        commune=posting.commune.name,
    )
