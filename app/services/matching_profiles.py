"""Translate ORM rows into the matching engine's plain types (and back to ids)."""

from matching.types import Need, Profile
from models import Organisation, Posting

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


def profile_from_organisation(organisation: Organisation) -> Profile:
    commune = organisation.commune
    return Profile(
        id=org_key(organisation.id), title=organisation.name,
        text=organisation_text(organisation), kind=organisation.kind,
        filieres=_filiere_ids(organisation), lat=organisation.lat, lon=organisation.lon,
        siae=organisation.siae, ea_esat=organisation.ea_esat, esus=organisation.esus,
        qpv=organisation.qpv, headcount=organisation.headcount,
        legal_form=organisation.legal_form_code,
        in_metropole=commune.in_metropole if commune else None,
        commune=commune.name if commune else None, naf=organisation.naf_code,
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
    reserved = posting.reserved if posting.reserved in ("siae", "ea_esat") else None
    return Need(
        id=f"{NEED_PREFIX}{posting.id}", title=posting.title, text=posting.description,
        type=posting.type, filieres=_filiere_ids(posting),
        lat=posting.commune.lat, lon=posting.commune.lon, reserved=reserved,
        max_km=posting.max_km, requester_id=org_key(posting.organisation_id),
        lots=tuple(f"{lot.title}. {lot.description}".strip() for lot in posting.lots),
        in_metropole=posting.commune.in_metropole,
    )


def profile_for_search(posting: Posting) -> Profile:
    """Any published posting (need or offer) as a searchable document."""
    return Profile(
        id=posting_key(posting.id), title=posting.title, text=posting.description, kind="offer",
        filieres=_filiere_ids(posting), lat=posting.commune.lat, lon=posting.commune.lon,
        owner_id=org_key(posting.organisation_id), in_metropole=posting.commune.in_metropole,
        commune=posting.commune.name,
    )
