"""Reserved-market rules of groupements, enforced by the services on the real database
(docs/legal-rules.md): founding, inviting, accepting, assigning lots, changing roles,
completing, submitting, and afterwards an organisation's status or the buyer's tender
changing."""

from datetime import date, timedelta

import pytest

from app.services import publishing, statuses
from app.services.consortia import lifecycle
from app.services.consortia.formation import create_empty
from app.services.consortia.rules import explain, violations
from app.services.viewer import Viewer
from models import Notification, StatusDecision, ValidationError
from tests.factories import make_organisation, make_posting

ANIMATOR = Viewer(None, frozenset(), True)


def _decide(db, organisation, decision: str, note: str) -> None:
    """An animator's decision on the SIAE status, whatever its current source."""
    statuses.record_decision(db, organisation, "siae", decision, "animator", note, None)


def _tender(db, buyer, reserved="siae", lots=None):
    lots = lots if lots is not None else [{"number": 1, "title": "Démolition"},
                                          {"number": 2, "title": "Peinture"}]
    return make_posting(db, buyer, "Rénovation de l'école", type="tender", reserved=reserved,
                        deadline=date.today() + timedelta(days=30), lots=lots)


@pytest.fixture
def orgs(db):
    return {
        "buyer": make_organisation(db, "Ville de Rezé", kind="public_buyer",
                                   legal_form_code="commune"),
        "siae": make_organisation(db, "Chantier Bâtir", legal_form_code="aci", siae=True),
        "siae2": make_organisation(db, "Peinture Solidaire", legal_form_code="ei", siae=True),
        "esat": make_organisation(db, "ESAT du Bois", legal_form_code="esat", ea_esat=True),
        "company": make_organisation(db, "Bâtiment Ouest SAS", kind="company",
                                     legal_form_code="sas"),
    }


def test_a_company_cannot_found_a_groupement_as_lead_on_a_reserved_market(db, orgs):
    tender = _tender(db, orgs["buyer"], reserved="ea_esat")
    with pytest.raises(ValidationError) as refused:
        create_empty(db, tender, orgs["company"])
    assert "n'est pas une entreprise adaptée ou un ESAT" in refused.value.message
    assert "L2113-12" in refused.value.message


def test_inviting_a_company_as_cotraitant_on_an_siae_market_is_refused_in_french(db, orgs):
    tender = _tender(db, orgs["buyer"])
    consortium = create_empty(db, tender, orgs["siae"])
    with pytest.raises(ValidationError) as refused:
        lifecycle.invite(db, consortium, orgs["company"], ANIMATOR, orgs["siae"])
    assert refused.value.message.startswith("Bâtiment Ouest SAS n'est pas une SIAE")
    assert "L2113-13" in refused.value.message and refused.value.field == "organisation"


def test_a_company_may_be_a_subcontractor_but_never_the_only_holder_of_a_reserved_lot(db, orgs):
    tender = _tender(db, orgs["buyer"], reserved="none",
                     lots=[{"number": 1, "title": "Démolition", "reserved": "siae"},
                           {"number": 2, "title": "Peinture"}])
    consortium = create_empty(db, tender, orgs["company"])  # lot 1 only is reserved
    sub = lifecycle.invite(db, consortium, orgs["siae"], ANIMATOR, orgs["company"],
                           role="subcontractor")
    lifecycle.answer(db, consortium, orgs["siae"].id, True, Viewer(None, frozenset(
        {orgs["siae"].id})))
    lead = next(m for m in consortium.members if m.organisation_id == orgs["company"].id)
    with pytest.raises(ValidationError, match="ce lot est réservé aux SIAE"):
        lifecycle.set_member(db, consortium, lead, "lead", [1, 2], ANIMATOR)
    lifecycle.set_member(db, consortium, lead, "lead", [2], ANIMATOR)
    lifecycle.set_member(db, consortium, sub, "subcontractor", [1], ANIMATOR)
    assert any("pas seulement par des sous-traitants" in v for v in violations(consortium))
    with pytest.raises(ValidationError, match="pas seulement par des sous-traitants"):
        lifecycle.mark_complete(db, consortium, ANIMATOR)
    lifecycle.set_member(db, consortium, sub, "co_contractor", [1], ANIMATOR)
    lifecycle.mark_complete(db, consortium, ANIMATOR)
    assert consortium.status == "complete" and violations(consortium) == []


def test_accepting_rechecks_the_status_that_changed_since_the_invitation(db, orgs):
    tender = _tender(db, orgs["buyer"])
    consortium = create_empty(db, tender, orgs["siae"])
    lifecycle.invite(db, consortium, orgs["siae2"], ANIMATOR, orgs["siae"])
    _decide(db, orgs["siae2"], "refused", "Pas conventionnée")
    with pytest.raises(ValidationError, match="Peinture Solidaire n'est pas une SIAE"):
        lifecycle.answer(db, consortium, orgs["siae2"].id, True,
                         Viewer(None, frozenset({orgs["siae2"].id})))


def _complete(db, orgs, tender, partner="siae2"):
    """A complete groupement: Chantier Bâtir leads on lot 1, ``partner`` co-contracts lot 2."""
    consortium = create_empty(db, tender, orgs["siae"])
    member = lifecycle.invite(db, consortium, orgs[partner], ANIMATOR, orgs["siae"])
    lifecycle.answer(db, consortium, orgs[partner].id, True,
                     Viewer(None, frozenset({orgs[partner].id})))
    lead = next(m for m in consortium.members if m.role == "lead")
    lifecycle.set_member(db, consortium, lead, "lead", [1], ANIMATOR)
    lifecycle.set_member(db, consortium, member, "co_contractor", [2], ANIMATOR)
    lifecycle.mark_complete(db, consortium, ANIMATOR)
    return consortium


def test_losing_the_status_reopens_a_complete_groupement(db, orgs):
    consortium = _complete(db, orgs, _tender(db, orgs["buyer"]))
    _decide(db, orgs["siae2"], "refused", "Fin du conventionnement")
    assert consortium.status == "forming"
    assert any("Peinture Solidaire n'est pas une SIAE" in e
               for e in lifecycle.completeness_errors(consortium))
    told = db.query(Notification).filter_by(kind="consortium_rules").all()
    assert [n.organisation_id for n in told] == [orgs["siae"].id]


def test_losing_the_status_flags_a_submitted_groupement_and_tells_the_buyer(db, orgs):
    consortium = _complete(db, orgs, _tender(db, orgs["buyer"]))
    lifecycle.submit(db, consortium, ANIMATOR)
    _decide(db, orgs["siae2"], "refused", "Fin du conventionnement")
    assert consortium.status == "submitted"
    assert "n'est plus respectée" in consortium.rules_flag
    assert "tous les membres sont" not in " ".join(explain(consortium))
    told = {n.organisation_id for n in db.query(Notification).filter_by(kind="consortium_rules")}
    assert told == {orgs["buyer"].id, orgs["siae"].id, orgs["siae2"].id}
    _decide(db, orgs["siae2"], "verified", "Nouvelle convention")
    assert consortium.rules_flag == ""


def _buyer_edits(db, tender, **changes) -> None:
    """The buyer saves its edit form with these changes (reserved, lots)."""
    data = publishing.PostingData.from_posting(tender)
    for name, value in changes.items():
        setattr(data, name, value)
    publishing.save_posting(db, tender.organisation, data, tender)


def test_the_buyer_reserving_its_tender_reopens_a_complete_groupement(db, orgs):
    tender = _tender(db, orgs["buyer"], reserved="none")
    consortium = _complete(db, orgs, tender, partner="company")
    _buyer_edits(db, tender, reserved="siae")
    assert consortium.status == "forming"
    problems = " ".join(violations(consortium))
    assert "Bâtiment Ouest SAS n'est pas une SIAE" in problems
    assert "Réservation non respectée" in consortium.explanation
    told = db.query(Notification).filter_by(kind="consortium_rules").all()
    assert [n.organisation_id for n in told] == [orgs["siae"].id]


def test_the_buyer_changing_the_reservation_flags_a_submitted_groupement(db, orgs):
    consortium = _complete(db, orgs, _tender(db, orgs["buyer"]))
    lifecycle.submit(db, consortium, ANIMATOR)
    _buyer_edits(db, consortium.posting, reserved="ea_esat")
    assert consortium.status == "submitted"
    assert "n'est plus respectée" in consortium.rules_flag
    told = {n.organisation_id for n in db.query(Notification).filter_by(kind="consortium_rules")}
    assert told == {orgs["buyer"].id, orgs["siae"].id, orgs["siae2"].id}
    _buyer_edits(db, consortium.posting, reserved="siae")  # back as it was: flag lifted
    assert consortium.rules_flag == ""


def test_a_lot_the_buyer_removes_is_no_longer_held(db, orgs):
    consortium = _complete(db, orgs, _tender(db, orgs["buyer"]))
    tender = consortium.posting
    _buyer_edits(db, tender, lots=publishing.PostingData.from_posting(tender).lots[:1])
    held = {m.organisation_id: m.lot_numbers for m in consortium.members}
    assert held == {orgs["siae"].id: [1], orgs["siae2"].id: []}
    assert "lot 2" not in consortium.explanation


def test_the_explanation_names_only_current_members_and_tells_the_truth(db, orgs):
    tender = _tender(db, orgs["buyer"], reserved="none",
                     lots=[{"number": 1, "title": "Démolition", "reserved": "siae"}])
    consortium = create_empty(db, tender, orgs["siae"])
    lifecycle.invite(db, consortium, orgs["esat"], ANIMATOR, orgs["siae"])
    lifecycle.invite(db, consortium, orgs["company"], ANIMATOR, orgs["siae"],
                     role="subcontractor")
    text = "\n".join(explain(consortium))
    assert "ESAT du Bois" in text and "tous les membres sont" not in text
    assert "non SIAE, en sous-traitance ou sur un lot non réservé" in text
    esat = next(m for m in consortium.members if m.organisation_id == orgs["esat"].id)
    company = next(m for m in consortium.members if m.organisation_id == orgs["company"].id)
    lifecycle.remove_member(db, consortium, esat, ANIMATOR)
    lifecycle.remove_member(db, consortium, company, ANIMATOR)
    text = "\n".join(explain(consortium))
    assert "ESAT du Bois" not in text and "Bâtiment Ouest" not in text
    assert "ESAT du Bois" not in consortium.explanation
    assert "tous les membres sont SIAE" in text
    assert "Statut SIAE déclaré, non encore vérifié" in text


def test_an_animator_validates_or_refuses_a_declared_status_with_a_note(db, orgs):
    pending = {(p.organisation.name, p.kind) for p in statuses.pending(db)}
    assert ("Chantier Bâtir", "siae") in pending and ("ESAT du Bois", "ea_esat") in pending
    with pytest.raises(ValidationError, match="Indiquez ce que vous avez vérifié"):
        statuses.decide(db, orgs["siae"], "siae", True, "  ", ANIMATOR, None)
    statuses.decide(db, orgs["siae"], "siae", True, "Conventionnement DREETS vu", ANIMATOR,
                    None)
    statuses.decide(db, orgs["esat"], "ea_esat", False, "Aucun agrément ARS", ANIMATOR, None)
    assert orgs["siae"].status_verified("siae") and orgs["siae"].eligible_for("siae")
    assert not orgs["esat"].ea_esat and not orgs["esat"].eligible_for("ea_esat")
    decisions = db.query(StatusDecision).order_by(StatusDecision.id).all()
    assert [(d.status, d.decision, d.note) for d in decisions] == [
        ("siae", "verified", "Conventionnement DREETS vu"),
        ("ea_esat", "refused", "Aucun agrément ARS")]
    assert {p.kind for p in statuses.pending(db)
            if p.organisation.id in (orgs["siae"].id, orgs["esat"].id)} == set()
    texts = [n.text for n in db.query(Notification).filter_by(kind="status_decision")]
    assert any("Aucun agrément ARS" in t for t in texts)


def test_the_profile_form_cannot_override_a_decided_status(db, orgs):
    from app.services.organisations import OrganisationData, update_organisation

    statuses.decide(db, orgs["esat"], "ea_esat", False, "Aucun agrément", ANIMATOR, None)
    data = OrganisationData.from_organisation(orgs["esat"])
    update_organisation(db, orgs["esat"], data)  # still declares ESAT through its legal form
    assert not orgs["esat"].ea_esat and orgs["esat"].ea_esat_source == "refused"
    statuses.decide(db, orgs["siae"], "siae", True, "Vu", ANIMATOR, None)
    data = OrganisationData.from_organisation(orgs["siae"])
    data.legal_form_code = "association"
    update_organisation(db, orgs["siae"], data)
    assert orgs["siae"].status_verified("siae")


def test_a_company_declaring_aci_gets_a_declared_badge_only(db, orgs):
    from app.services.organisations import OrganisationData, update_organisation

    data = OrganisationData.from_organisation(orgs["company"])
    data.legal_form_code = "aci"
    update_organisation(db, orgs["company"], data)
    assert orgs["company"].siae and orgs["company"].status_source("siae") == "declared"
    assert orgs["company"].statuses() == [("siae", False)]
