"""Write demo specs as ORM rows, skipping what is already there (SIRET, external_id, pair)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CpvCode, Filiere, LegalForm, Lever, Lot, NetworkMember, Organisation, Posting
from seed.demo.specs import NetworkSpec, OrgSpec, PostingSpec

SOURCE = "demo"


def lookup(session: Session, model, keys=None) -> dict:
    """Reference rows by primary key (optionally only the given keys)."""
    key = model.__mapper__.primary_key[0]
    query = select(model) if keys is None else select(model).where(key.in_(list(keys)))
    return {getattr(row, key.name): row for row in session.scalars(query)}


def to_organisation(spec: OrgSpec, filieres: dict, form: LegalForm) -> Organisation:
    """Eligibility flags always follow the legal form (SIAE kinds, EA/ESAT)."""
    return Organisation(
        kind=spec.kind, name=spec.name, siret=spec.siret, legal_form_code=form.code,
        esus=spec.esus, siae=form.is_siae, ea_esat=form.is_ea_esat, qpv=spec.qpv,
        commune_insee=spec.place.insee, lat=spec.lat, lon=spec.lon, address=spec.address,
        headcount=spec.headcount, description=spec.description, capacities=spec.capacities,
        website=spec.website, email=spec.email, phone=spec.phone, sdg=spec.sdg,
        naf_code=spec.naf, source=SOURCE, alert_filieres=list(spec.filieres),
        filieres=[filieres[filiere] for filiere in spec.filieres],
    )


def save_organisations(session: Session, specs: list[OrgSpec]
                       ) -> tuple[dict[str, Organisation], int]:
    """Returns every demo organisation by key (new or existing) and how many were created."""
    existing = {
        org.siret: org for org in session.scalars(
            select(Organisation).where(Organisation.siret.in_([spec.siret for spec in specs])))
    }
    filieres, forms = lookup(session, Filiere), lookup(session, LegalForm)
    by_key, created = {}, 0
    for spec in specs:
        org = existing.get(spec.siret)
        if org is None:
            org = to_organisation(spec, filieres, forms[spec.form])
            session.add(org)
            created += 1
        by_key[spec.key] = org
    session.flush()
    return by_key, created


def save_network_members(session: Session, specs: list[NetworkSpec],
                         by_key: dict[str, Organisation]) -> int:
    network_ids = [by_key[spec.network_key].id for spec in specs]
    pairs = set(session.execute(
        select(NetworkMember.network_id, NetworkMember.member_id)
        .where(NetworkMember.network_id.in_(network_ids))).tuples())
    created = 0
    for spec in specs:
        network_id = by_key[spec.network_key].id
        for member_key in spec.member_keys:
            pair = (network_id, by_key[member_key].id)
            if pair not in pairs:
                session.add(NetworkMember(network_id=pair[0], member_id=pair[1]))
                pairs.add(pair)
                created += 1
    return created


def to_posting(spec: PostingSpec, owner: Organisation, refs: dict[str, dict]) -> Posting:
    return Posting(
        organisation=owner, direction=spec.direction, type=spec.type, title=spec.title,
        description=spec.description, commune_insee=spec.commune_insee,
        max_km=float(spec.max_km) if spec.max_km else None, budget_min=spec.budget_min,
        budget_max=spec.budget_max, deadline=spec.deadline, status=spec.status,
        close_reason=spec.close_reason, published_at=spec.published_at,
        closed_at=spec.closed_at, reserved=spec.reserved, insertion_hours=spec.insertion_hours,
        source=SOURCE, external_id=spec.external_id,
        filieres=[refs["filieres"][filiere] for filiere in spec.filieres],
        levers=[refs["levers"][lever] for lever in spec.levers],
        cpv_codes=[refs["cpv"][code] for code in spec.cpv_codes if code in refs["cpv"]],
        lots=[Lot(number=lot.number, title=lot.title, description=lot.description,
                  estimated_amount=lot.estimated_amount, reserved=lot.reserved)
              for lot in spec.lots],
    )


def save_postings(session: Session, specs: list[PostingSpec],
                  by_key: dict[str, Organisation]) -> tuple[int, int]:
    """Returns (postings, lots) created."""
    existing = set(session.scalars(select(Posting.external_id).where(
        Posting.external_id.in_([spec.external_id for spec in specs]))))
    fresh = [spec for spec in specs if spec.external_id not in existing]
    refs = {
        "filieres": lookup(session, Filiere), "levers": lookup(session, Lever),
        "cpv": lookup(session, CpvCode, {code for spec in fresh for code in spec.cpv_codes}),
    }
    session.add_all(to_posting(spec, by_key[spec.owner_key], refs) for spec in fresh)
    return len(fresh), sum(len(spec.lots) for spec in fresh)
