"""The demo territory: size and spread, consistency with the models' rules, text variety,
determinism and idempotence."""

import csv
import hashlib
import json
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.services.accounts import authenticate
from models import (
    Commune,
    Filiere,
    LegalForm,
    Lot,
    Membership,
    NetworkMember,
    Organisation,
    Posting,
    User,
)
from models.posting import POSTING_TYPES
from models.reference_data import empty_user_tables
from models.session import make_session_factory
from models.validators import siret_error
from seed.demo import build_specs, load_demo
from seed.demo.catalogue import DATA_DIR, load_catalogue
from seed.demo.logins import DEMO_ACCOUNTS, DEMO_PASSWORD

SEED = 2026
TODAY = date(2026, 3, 2)
FILIERES = {"eco-construction", "energie-citoyenne", "reemploi", "alimentation",
            "numerique-responsable", "sante", "habitat-inclusif", "logistique-urbaine",
            "mobilite-inclusive", "culture-citoyennete"}


@pytest.fixture(scope="module")
def loaded(engine):
    """The territory is loaded once for this module (about 3 s) and wiped at its end."""
    empty_user_tables(engine)
    with make_session_factory(engine)() as session:
        summary = load_demo(session, seed=SEED, today=TODAY)
        session.expire_all()
        yield session, summary
    empty_user_tables(engine)


def all_of(session, model):
    return session.scalars(select(model)).unique().all()


def listings(session):
    """The demo's postings (the award tenders are past contracts, not listings)."""
    return [p for p in all_of(session, Posting) if p.source == "demo"]


# --- the catalogue itself --------------------------------------------------------------------

def test_catalogue_ids_are_unique_and_refer_to_known_codes():
    catalogue = load_catalogue()
    archetype_ids = [archetype["id"] for _, archetype in catalogue.archetypes]
    template_ids = [template["id"] for _, template in catalogue.templates]
    assert len(set(archetype_ids)) == len(archetype_ids)
    assert len(set(template_ids)) == len(template_ids)
    with open(DATA_DIR.parent / "cpv2008_fr_en.csv", encoding="utf-8") as handle:
        cpv = {row["code"] for row in csv.DictReader(handle)}
    assert {code for _, t in catalogue.templates for code in t.get("cpv", [])} <= cpv
    with open(DATA_DIR.parent / "legal_forms.csv", encoding="utf-8") as handle:
        forms = {row["code"] for row in csv.DictReader(handle)}
    assert {form for _, a in catalogue.archetypes for form in a["forms"]} <= forms
    assert {filiere for filiere, _ in catalogue.templates} == FILIERES


def test_only_tender_templates_reserve_or_have_lots():
    for _, template in load_catalogue().templates:
        if template["type"] != "tender":
            assert "reserved" not in template and "lots" not in template, template["id"]
        else:
            assert template["direction"] == "need"


# --- organisations ---------------------------------------------------------------------------

def test_organisations_cover_the_territory_and_every_filiere(loaded):
    db, summary = loaded
    orgs = all_of(db, Organisation)
    assert len(orgs) >= 300 and summary.created["organisations"] == len(orgs)
    assert {org.kind for org in orgs} == {"ess", "public_buyer", "company", "network"}
    metro = set(db.scalars(select(Commune.insee).where(Commune.in_metropole.is_(True))))
    assert len(metro) == 24 and metro <= {org.commune_insee for org in orgs}
    outside = [org for org in orgs if org.commune_insee not in metro]
    assert 3 <= len(outside) <= len(orgs) // 10
    assert all(org.commune.department == "44" for org in outside)
    assert {filiere.id for org in orgs for filiere in org.filieres} == FILIERES
    buyer_forms = {org.legal_form_code for org in orgs if org.kind == "public_buyer"}
    assert buyer_forms == {"commune", "epci", "bailleur_social", "etablissement_public"}


def test_flags_follow_the_legal_form(loaded):
    db, _ = loaded
    forms = {form.code: form for form in all_of(db, LegalForm)}
    for org in all_of(db, Organisation):
        form = forms[org.legal_form_code]
        assert (org.siae, org.ea_esat) == (form.is_siae, form.is_ea_esat), org.name
        expected = {"public_buyer": {"public"}, "company": {"company"},
                    "network": {"ess"}, "ess": {"ess", "siae", "handicap", "company"}}
        assert form.family in expected[org.kind], org.name
    kinds = Counter(org.legal_form_code for org in all_of(db, Organisation) if org.kind == "ess")
    assert {"association", "scop", "scic", "mutuelle", "fondation", "ei", "aci", "etti", "ai",
            "eiti", "ea", "esat"} <= set(kinds)


def test_identity_details_are_valid(loaded):
    db, _ = loaded
    orgs = all_of(db, Organisation)
    assert len({org.siret for org in orgs}) == len(orgs)
    assert all(siret_error(org.siret) is None for org in orgs)
    assert all(org.sdg and all(1 <= goal <= 17 for goal in org.sdg) for org in orgs)
    assert all(org.website.endswith(".example.org") and org.address for org in orgs)
    for org in orgs:
        assert abs(org.lat - org.commune.lat) < 0.05 and abs(org.lon - org.commune.lon) < 0.05
    assert sum(org.esus for org in orgs) >= 50 and sum(org.qpv for org in orgs) >= 10
    assert {org.commune_insee for org in orgs if org.qpv} <= {"44109", "44143", "44162",
                                                             "44114", "44190"}


def test_descriptions_are_varied_and_fully_written(loaded):
    db, _ = loaded
    orgs = all_of(db, Organisation)
    descriptions = [org.description for org in orgs]
    assert len(set(descriptions)) >= 0.9 * len(descriptions)
    assert len({" ".join(text.split()[:3]) for text in descriptions}) >= 30
    assert len({org.name for org in orgs}) == len(orgs)
    postings = listings(db)
    texts = descriptions + [org.name for org in orgs]
    texts += [p.title for p in postings] + [p.description for p in postings]
    assert not [text for text in texts if "{" in text or "}" in text or "  " in text]
    assert len({p.description for p in postings}) >= 0.95 * len(postings)


def test_networks_have_standing_members(loaded):
    db, summary = loaded
    networks = [org for org in all_of(db, Organisation) if org.kind == "network"]
    assert len(networks) >= 5
    members = all_of(db, NetworkMember)
    assert summary.created["network_members"] == len(members) >= 100
    by_network = Counter(member.network_id for member in members)
    assert all(by_network[network.id] >= 5 for network in networks)
    iae = next(org for org in networks if "insertion" in org.name)
    assert all(m.member.siae for m in members if m.network_id == iae.id)


# --- postings --------------------------------------------------------------------------------

def test_postings_cover_every_type_in_both_directions(loaded):
    db, summary = loaded
    postings = listings(db)
    assert len(postings) >= 200 and summary.created["postings"] == len(postings)
    pairs = Counter((p.type, p.direction) for p in postings)
    for posting_type in POSTING_TYPES:
        assert pairs[(posting_type, "need")] >= 5, posting_type
        if posting_type != "tender":
            assert pairs[(posting_type, "offer")] >= 5, posting_type
    assert pairs[("tender", "offer")] == 0
    assert {f.id for p in postings for f in p.filieres} == FILIERES
    assert all(p.external_id.startswith("demo-") and p.levers for p in postings)
    assert sum(bool(p.cpv_codes) for p in postings) >= 100
    assert sum(p.max_km is not None for p in postings) >= 50
    assert sum(p.budget_max is not None for p in postings) >= 100


def test_tenders_have_lots_reservations_and_social_clauses(loaded):
    db, _ = loaded
    postings = listings(db)
    tenders = [p for p in postings if p.type == "tender"]
    assert all(p.organisation.kind == "public_buyer" for p in tenders)
    allotted = [p for p in tenders if p.lots]
    assert len(allotted) >= 10
    for tender in allotted:
        assert 2 <= len(tender.lots) <= 5
        assert [lot.number for lot in tender.lots] == list(range(1, len(tender.lots) + 1))
        assert all(lot.estimated_amount and lot.estimated_amount > 0 for lot in tender.lots)
    reserved = Counter(p.reserved for p in tenders)
    assert reserved["siae"] >= 3 and reserved["ea_esat"] >= 3
    assert all(p.reserved == "none" and not p.lots for p in postings if p.type != "tender")
    assert sum(bool(p.insertion_hours) for p in tenders) >= 5
    assert db.scalar(select(func.count()).select_from(Lot)) == sum(len(p.lots) for p in tenders)


def test_statuses_and_deadlines_are_realistic(loaded):
    db, _ = loaded
    postings = listings(db)
    statuses = Counter(p.status for p in postings)
    assert statuses["published"] >= 0.7 * len(postings)
    assert statuses["draft"] >= 5 and statuses["closed"] >= 5
    for posting in postings:
        if posting.status == "closed":
            assert posting.close_reason and posting.closed_at
        else:
            assert posting.close_reason is None
            assert posting.deadline is None or posting.deadline > TODAY
        assert (posting.published_at is None) == (posting.status == "draft")


def test_some_suppliers_have_public_references(loaded):
    """Real DECP subjects won by demo organisations: « Références publiques » is not empty and
    the profiles carry them as ranking evidence."""
    from app.services.matching import all_suppliers
    from app.services.matching_profiles import org_key
    from models import Award

    db, summary = loaded
    awards = all_of(db, Award)
    assert len(awards) == summary.created["awards"] >= 6
    assert all(a.organisation and a.organisation.kind == "ess" for a in awards)
    assert all(a.posting.source == "decp" and a.posting.status == "closed" for a in awards)
    assert all(a.posting.organisation.kind == "public_buyer" and a.posting.cpv_codes
               for a in awards)
    profiles = {p.id: p for p in all_suppliers(db)}
    with_refs = [p for p in profiles.values() if p.references]
    assert len(with_refs) == len({a.organisation_id for a in awards})
    assert max(len(p.references) for p in with_refs) >= 2
    winner = profiles[org_key(awards[0].organisation_id)]
    assert winner.references[0].buyer_name and winner.references[0].departement == "44"


# --- accounts, determinism, idempotence ------------------------------------------------------

def test_one_demo_login_per_role(loaded):
    db, summary = loaded
    assert [email for _, email, _ in summary.logins] == [a.email for a in DEMO_ACCOUNTS]
    assert all(len(password) >= 10 for _, _, password in summary.logins)
    kinds = set()
    for account in DEMO_ACCOUNTS:
        user = authenticate(db, account.email, DEMO_PASSWORD)
        assert user is not None and user.is_animator == account.is_animator
        (organisation,) = user.active_organisations()
        kinds.add(organisation.kind)
        assert db.scalar(select(func.count()).select_from(Posting)
                         .where(Posting.organisation_id == organisation.id)) >= 1
    assert kinds == {"ess", "public_buyer", "company", "network"}
    acteur = next(a for a in DEMO_ACCOUNTS if a.email.startswith("acteur"))
    org = authenticate(db, acteur.email, DEMO_PASSWORD).active_organisations()[0]
    assert org.siae and "reemploi" in {f.id for f in org.filieres}
    assert sum(user.is_animator for user in all_of(db, User)) == 1


def test_specs_are_deterministic_for_a_seed(loaded):
    db, _ = loaded
    first = build_specs(db, seed=SEED, today=TODAY)
    second = build_specs(db, seed=SEED, today=TODAY)
    assert first == second
    other = build_specs(db, seed=SEED + 1, today=TODAY)
    assert [o.description for o in other.organisations] != [
        o.description for o in first.organisations]


def snapshot(session) -> tuple[dict[str, int], str]:
    """Row counts per table and a checksum of the organisation, posting and lot contents."""
    counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
              for model in (Organisation, Posting, Lot, NetworkMember, User, Membership, Filiere)}
    rows = sorted(
        (org.siret, org.name, org.kind, org.description, org.commune_insee, org.siae,
         org.ea_esat, org.esus, org.qpv, json.dumps(org.sdg), org.headcount)
        for org in all_of(session, Organisation)
    )
    rows += sorted(
        (p.external_id, p.title, p.description, p.status, p.type, p.direction, p.reserved,
         str(p.budget_max), str(p.deadline), p.insertion_hours,
         tuple((lot.number, lot.title, str(lot.estimated_amount)) for lot in p.lots))
        for p in all_of(session, Posting)
    )
    return counts, hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_second_run_changes_nothing(loaded):
    db, first = loaded
    before = snapshot(db)
    db.expire_all()
    second = load_demo(db, seed=SEED, today=TODAY)
    assert first.created_anything and not second.created_anything
    assert second.skipped["organisations"] == first.created["organisations"]
    assert second.skipped["postings"] == first.created["postings"]
    assert second.skipped["awards"] == first.created["awards"]
    db.expire_all()
    assert snapshot(db) == before
