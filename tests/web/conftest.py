"""Fixtures shared by the web tests: the test territory with a ranked SIAE-reserved tender."""

from datetime import date, timedelta

import pytest

from app.services.events import posting_saved
from models import Filiere, Organisation, Posting
from tests.factories import build_territory


@pytest.fixture
def territory(db, session_factory, run_jobs):
    """The shared test territory, and a published tender of the buyer reserved to SIAE, ranked
    by the job its publication queued."""
    ids = build_territory(session_factory)
    orgs = {key: db.get(Organisation, ident) for key, ident in ids.items()}
    tender = Posting(organisation=orgs["buyer"], direction="need", type="tender",
                     title="Collecte et réemploi du mobilier des écoles",
                     description="Collecte des meubles scolaires usagés, tri, réparation et "
                                 "remise en circulation.", commune_insee="44143",
                     reserved="siae", deadline=date.today() + timedelta(days=30))
    tender.filieres = [db.get(Filiere, "reemploi")]
    tender.publish()
    db.add(tender)
    db.flush()
    posting_saved(db, tender, newly_published=True)
    db.commit()
    run_jobs()
    return orgs, tender
