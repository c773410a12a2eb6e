"""Hypothesis drives a groupement through the real services on the real database (invite,
accept, decline, assign lots, change roles, remove, statuses won and lost, complete, reopen,
submit, the buyer editing its tender's reservation and lots) on reserved markets, and checks
after every step that no complete or submitted groupement breaks the reservation unflagged,
that no member holds a lot the tender lacks, and that the explanation matches the members."""

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from app.services import publishing, statuses
from app.services.consortia import lifecycle
from app.services.consortia.formation import create_empty, places
from app.services.consortia.rules import RESERVATION_FR, market_reservation, violations
from app.services.consortia.rules import explain as explain_lines
from app.services.viewer import Viewer
from models import Lot, NotAllowed, Organisation, Posting, ValidationError
from models.session import make_session_factory
from models.validators import with_luhn_key

ANIMATOR = Viewer(None, frozenset(), True)
# name, legal form, statuses held at the start
SUPPLIERS = [
    ("Chantier Bâtir", "aci", {"siae"}),
    ("Peinture Solidaire", "ei", {"siae"}),
    ("ESAT du Bois", "esat", {"ea_esat"}),
    ("Bâtiment Ouest SAS", "sas", set()),
    ("Menuiserie Atlantique SARL", "sarl", set()),
]
SUPPLIER = st.integers(0, len(SUPPLIERS) - 1)
ROLE = st.sampled_from(["lead", "co_contractor", "subcontractor"])
LOTS = st.lists(st.sampled_from([1, 2]), max_size=2, unique=True)


def _organisation(number: int, name: str, form: str, held: set[str], kind="ess"):
    org = Organisation(kind=kind, name=name, siret=with_luhn_key(f"77{number:011d}"),
                       commune_insee="44109", legal_form_code=form)
    for status in ("siae", "ea_esat"):
        setattr(org, status, status in held)
    return org


class GroupementMachine(RuleBasedStateMachine):
    session_factory = None  # set by the test

    @initialize(market=st.sampled_from(["siae", "ea_esat", "none"]),
                lot1=st.sampled_from(["none", "siae", "ea_esat"]))
    def build(self, market, lot1):
        self.session = self.session_factory()
        buyer = _organisation(0, "Ville de Rezé", "commune", set(), kind="public_buyer")
        self.orgs = [_organisation(i + 1, *spec, kind="company" if spec[1] in ("sas", "sarl")
                                   else "ess") for i, spec in enumerate(SUPPLIERS)]
        self.session.add_all([buyer, *self.orgs])
        posting = Posting(organisation=buyer, direction="need", type="tender",
                          title="Rénovation de l'école", commune_insee="44109", reserved=market,
                          deadline=date.today() + timedelta(days=30))
        posting.lots = [Lot(number=1, title="Démolition", reserved=lot1),
                        Lot(number=2, title="Peinture")]
        posting.publish()
        self.session.add(posting)
        self.session.flush()
        founder = next(o for o in self.orgs if o.eligible_for(market_reservation(posting)))
        self.consortium = create_empty(self.session, posting, founder)

    def teardown(self):
        if hasattr(self, "session"):
            self.session.rollback()
            self.session.close()

    def _try(self, action) -> None:
        """A refused step (French ValidationError) changes nothing that matters here."""
        try:
            with self.session.begin_nested():
                action()
        except (ValidationError, NotAllowed):
            self.session.expire_all()

    def _member(self, index: int):
        org_id = self.orgs[index].id
        return next((m for m in self.consortium.members if m.organisation_id == org_id), None)

    @rule(index=SUPPLIER, role=st.sampled_from(["co_contractor", "subcontractor"]))
    def invite(self, index, role):
        self._try(lambda: lifecycle.invite(self.session, self.consortium, self.orgs[index],
                                           ANIMATOR, self.consortium.created_by, role))

    @rule(index=SUPPLIER, accept=st.booleans())
    def answer(self, index, accept):
        org = self.orgs[index]
        self._try(lambda: lifecycle.answer(self.session, self.consortium, org.id, accept,
                                           Viewer(None, frozenset({org.id}))))

    @rule()
    def accept_every_invitation(self):
        for member in list(self.consortium.members):
            if member.invitation_status == "invited":
                self.answer(self.orgs.index(member.organisation), True)

    @rule(index=SUPPLIER, role=st.sampled_from(["co_contractor", "subcontractor"]),
          lot=st.sampled_from([1, 2]))
    def bring_in(self, index, role, lot):
        """Invite, accept and give a lot in one go (the lead takes the other), so that the
        machine often reaches complete and submitted groupements."""
        self.invite(index, role)
        self.answer(index, True)
        self.assign(index, role, [lot])
        lead = next((m for m in self.consortium.members if m.role == "lead"), None)
        if lead is not None:
            self._try(lambda: lifecycle.set_member(self.session, self.consortium, lead, "lead",
                                                   [3 - lot], ANIMATOR))

    @rule(index=SUPPLIER, role=ROLE, lots=LOTS)
    def assign(self, index, role, lots):
        member = self._member(index)
        if member is not None:
            self._try(lambda: lifecycle.set_member(self.session, self.consortium, member, role,
                                                   lots, ANIMATOR))

    @rule(index=SUPPLIER)
    def remove(self, index):
        member = self._member(index)
        if member is not None:
            self._try(lambda: lifecycle.remove_member(self.session, self.consortium, member,
                                                      ANIMATOR))

    @rule(index=SUPPLIER, kind=st.sampled_from(["siae", "ea_esat"]),
          decision=st.sampled_from(["verified", "refused"]))
    def status_changes(self, index, kind, decision):
        self._try(lambda: statuses.record_decision(self.session, self.orgs[index], kind,
                                                   decision, "animator", "étape", None))

    @rule(action=st.sampled_from([lifecycle.mark_complete, lifecycle.reopen, lifecycle.submit]))
    def change_status(self, action):
        self._try(lambda: action(self.session, self.consortium, ANIMATOR))

    @rule(market=st.sampled_from(["siae", "ea_esat", "none"]), lots=st.integers(1, 2))
    def buyer_edits_tender(self, market, lots):
        """The buyer changes the market's reservation, or drops lot 2, through its edit form's
        service (the groupements answering it are not asked)."""
        posting = self.consortium.posting
        data = publishing.PostingData.from_posting(posting)
        data.reserved, data.lots = market, data.lots[:lots]
        self._try(lambda: publishing.save_posting(self.session, posting.organisation, data,
                                                  posting))

    @rule(submit=st.booleans())
    def finish(self, submit):
        """Answer the invitations, declare complete, then submitted (refused unless ready)."""
        self.accept_every_invitation()
        self.change_status(lifecycle.mark_complete)
        if submit:
            self.change_status(lifecycle.submit)

    @invariant()
    def no_complete_or_submitted_groupement_breaks_a_rule(self):
        if not hasattr(self, "consortium"):
            return
        problems = violations(self.consortium)
        if self.consortium.status == "complete":
            assert problems == []
        if self.consortium.status == "submitted":
            assert bool(problems) == bool(self.consortium.rules_flag), problems

    @invariant()
    def members_hold_only_the_tenders_lots(self):
        if not hasattr(self, "consortium"):
            return
        numbers = {lot.number for lot in self.consortium.posting.lots}
        for member in self.consortium.members:
            assert set(member.lot_numbers or []) <= numbers, (member.lot_numbers, numbers)

    @invariant()
    def explanation_matches_the_members(self):
        if not hasattr(self, "consortium"):
            return
        lines = explain_lines(self.consortium)
        text = "\n".join(lines)
        present = {m.organisation_id for m in places(self.consortium)}
        for org in self.orgs:
            if org.id not in present:
                assert org.name not in text, (org.name, text)
        assert self.consortium.explanation == text  # stored = computed from current members
        for reservation, label in RESERVATION_FR.items():
            if f"tous les membres sont {label}." in text:
                assert all(m.organisation.eligible_for(reservation)
                           for m in places(self.consortium))
        assert "tous les membres sont éligibles" not in text  # the vague claim is gone


def test_groupement_rules_hold_in_every_workflow(engine):
    GroupementMachine.session_factory = make_session_factory(engine)
    GroupementMachine.TestCase.settings = settings(
        max_examples=60, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    GroupementMachine.TestCase("runTest").runTest()
