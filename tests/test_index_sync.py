"""The index follows committed changes: after any sequence of creates, edits, closes and deletes,
every live profile in a process's index equals what the database says, and nothing dead
remains (real database, real e5 encoder, real FAISS and BM25 indexes)."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app.infra import vectors
from app.services.matching import all_suppliers, build_indexes
from matching.encoder import get_encoder
from matching.types import Need
from models import Filiere, Organisation, Posting
from models.reference_data import empty_user_tables
from tests.factories import NANTES, REZE, make_organisation, make_posting

FILIERES = ("reemploi", "alimentation", "eco-construction", "mobilite-inclusive")
COMMUNES = (NANTES, REZE, "44162")
WORDS = ("collecte", "réparation", "traiteur", "menuiserie", "vélo", "couture", "maraîchage")


def _encoder():
    return get_encoder("e5")


class IndexFollowsTheDatabase(RuleBasedStateMachine):
    """Random sequences of writes, each committed by its own session like a request."""

    organisations = Bundle("organisations")
    offers = Bundle("offers")

    def __init__(self, engine, sessions):
        super().__init__()
        self.engine, self.sessions = engine, sessions
        empty_user_tables(engine)
        self.holder = build_indexes(_encoder, check_interval=0).suppliers
        self.serial = 0

    def _name(self) -> str:
        self.serial += 1
        return f"Structure {self.serial}"

    @rule(target=organisations, siae=st.booleans(), filiere=st.sampled_from(FILIERES),
          word=st.sampled_from(WORDS))
    def create_organisation(self, siae, filiere, word):
        with self.sessions() as session:
            return make_organisation(session, self._name(), siae=siae, filieres=[filiere],
                                     description=f"Activité de {word}.").id

    @rule(target=offers, owner=organisations, word=st.sampled_from(WORDS))
    def publish_offer(self, owner, word):
        with self.sessions() as session:
            organisation = session.get(Organisation, owner)
            if organisation is None:
                return -1
            return make_posting(session, organisation, f"Offre de {word}", direction="offer",
                                type="resource", description=f"Nous proposons : {word}.",
                                deadline=date.today() + timedelta(days=30)).id

    @rule(owner=organisations, siae=st.booleans(), legal_form=st.sampled_from(
        ("association", "aci", "ei", None)))
    def change_status(self, owner, siae, legal_form):
        self._edit(owner, siae=siae, legal_form_code=legal_form)

    @rule(owner=organisations, filieres=st.sets(st.sampled_from(FILIERES), max_size=2))
    def change_filieres(self, owner, filieres):
        with self.sessions() as session:
            organisation = session.get(Organisation, owner)
            if organisation is not None:
                organisation.filieres = [session.get(Filiere, f) for f in sorted(filieres)]
                session.commit()

    @rule(owner=organisations, commune=st.sampled_from(COMMUNES), word=st.sampled_from(WORDS))
    def move_and_rewrite(self, owner, commune, word):
        self._edit(owner, commune_insee=commune, description=f"Désormais : {word}.")

    @rule(offer=consumes(offers))
    def close_offer(self, offer):
        with self.sessions() as session:
            posting = session.get(Posting, offer)
            if posting is not None and posting.status == "published":
                posting.close("cancelled")
                session.commit()

    @rule(offer=consumes(offers))
    def delete_offer(self, offer):
        self._delete(Posting, offer)

    @rule(owner=consumes(organisations))
    def delete_organisation(self, owner):
        self._delete(Organisation, owner)

    def _edit(self, organisation_id, **values):
        with self.sessions() as session:
            organisation = session.get(Organisation, organisation_id)
            if organisation is not None:
                for name, value in values.items():
                    setattr(organisation, name, value)
                session.commit()

    def _delete(self, model, row_id):
        with self.sessions() as session:
            row = session.get(model, row_id)
            if row is not None:
                session.delete(row)
                session.commit()

    @invariant()
    def index_equals_database(self):
        with self.sessions() as session:  # the worker has stored the changed texts' vectors
            texts = [p.full_text for p in all_suppliers(session)]
            vectors.passages(session, _encoder(), texts, store=True)
            session.commit()
        with self.sessions() as session:
            with self.holder.using(session) as matcher:
                expected = {p.id: p for p in all_suppliers(session)}
                assert matcher.profiles == expected
                matcher.sparse.scores("collecte")  # refits the lazy BM25 matrix
                assert sorted(matcher.sparse.ids) == sorted(expected)
                assert len(matcher.index or ()) == len(expected)
                for profile in expected.values():  # every vector encodes the current text
                    stored = matcher.index.vector(profile.id)
                    fresh = _encoder().encode_passages([profile.full_text])[0]
                    assert np.allclose(stored, fresh, atol=1e-5)


def test_index_follows_every_committed_change(engine, session_factory):
    run_state_machine_as_test(
        lambda: IndexFollowsTheDatabase(engine, session_factory),
        settings=settings(max_examples=8, stateful_step_count=10, deadline=None,
                          suppress_health_check=list(HealthCheck)))


@pytest.fixture
def reserved_tender():
    return Need(id="need:1", text="Collecte et réparation de mobilier", type="tender",
                reserved="siae")


def test_an_owner_losing_siae_status_takes_its_offers_out_of_reserved_tenders(
        db, session_factory, reserved_tender):
    """Regression: an offer copied its owner's SIAE flag and kept it in the index after the
    owner lost the status, so it stayed eligible for SIAE-reserved tenders."""
    holder = build_indexes(_encoder, check_interval=0).suppliers
    owner = make_organisation(db, "Chantier d'insertion", siae=True, legal_form_code="aci",
                              description="Collecte et réparation de mobilier.")
    offer = make_posting(db, owner, "Réparation de mobilier", direction="offer",
                         type="resource", description="Collecte et réparation de mobilier.")
    with session_factory() as session, holder.using(session) as matcher:
        found = {s.id for s in matcher.suggest_suppliers(reserved_tender, 10)}
        # one entry per organisation: the offer is folded under its owner (issue #10)
        assert len({f"org:{owner.id}", f"offer:{offer.id}"} & found) == 1

    owner.siae, owner.legal_form_code = False, "association"
    db.commit()  # another process's request: only the change log tells this holder

    with session_factory() as session, holder.using(session) as matcher:
        assert matcher.profiles[f"offer:{offer.id}"].siae is False
        assert matcher.suggest_suppliers(reserved_tender, 10) == []


def test_a_rolled_back_change_reaches_no_index(db, session_factory):
    holder = build_indexes(_encoder, check_interval=0).suppliers
    organisation = make_organisation(db, "Recyclerie", description="Collecte d'objets.")
    with session_factory() as session:
        holder.sync(session)
    organisation.description = "Tout autre chose."
    db.flush()
    db.rollback()
    with session_factory() as session, holder.using(session) as matcher:
        assert matcher.profiles[f"org:{organisation.id}"].text.startswith("Collecte")


def test_a_new_text_keeps_its_old_vector_until_the_worker_stores_the_new_one(db, session_factory):
    """Flags and words apply at once in every process; the dense vector of a changed text is
    encoded once, by the worker, and adopted by the processes when it is stored."""
    holder = build_indexes(_encoder, check_interval=0).suppliers
    organisation = make_organisation(db, "Recyclerie", description="Collecte d'objets.")
    key = f"org:{organisation.id}"
    with session_factory() as session, holder.using(session) as matcher:
        before = matcher.index.vector(key).copy()
    organisation.description, organisation.siae = "Traiteur bio et local.", True
    db.commit()
    with session_factory() as session, holder.using(session) as matcher:
        assert matcher.profiles[key].siae and "Traiteur" in matcher.profiles[key].text
        assert np.allclose(matcher.index.vector(key), before) and key in holder.waiting
        new_text = matcher.profiles[key].full_text
    with session_factory() as session:  # the worker's job
        [stored] = vectors.passages(session, _encoder(), [new_text], store=True)
        session.commit()
    with session_factory() as session, holder.using(session) as matcher:
        assert np.allclose(matcher.index.vector(key), stored) and not holder.waiting


def test_a_change_committed_out_of_sequence_order_is_not_skipped(db, session_factory):
    """On PostgreSQL a transaction holding change number 9 may commit after number 10's."""
    from app.infra.change_cursor import ChangeCursor
    from models import ProfileChange

    cursor = ChangeCursor(gap_timeout=3600)
    db.add(ProfileChange(seq=10, key="org:10"))
    db.commit()
    assert cursor.new_keys(db) == {"org:10"} and cursor.low == 0  # 1..9 not read yet
    db.add(ProfileChange(seq=9, key="org:9"))  # the late commit
    db.commit()
    assert cursor.behind(cursor.head(db))
    assert cursor.new_keys(db) == {"org:9"}
    assert cursor.new_keys(db) == set()  # nothing is applied twice


def test_a_number_that_never_commits_is_stepped_over(db):
    from app.infra.change_cursor import ChangeCursor
    from models import ProfileChange

    cursor = ChangeCursor(gap_timeout=0)
    db.add_all([ProfileChange(seq=1, key="org:1"), ProfileChange(seq=3, key="org:3")])
    db.commit()
    assert cursor.new_keys(db) == {"org:1", "org:3"}
    cursor.new_keys(db)  # number 2 (a rolled-back transaction) has stayed open long enough
    assert cursor.low == 3 and not cursor.behind(cursor.head(db))
