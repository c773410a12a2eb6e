"""The territory's observatory: what the ESS does on Essaim, counted by SQL aggregates.

Every figure is one GROUP BY query (or one row of scalar subqueries), never a loop over rows,
and comes back as a plain `Figure` (title, column labels, rows of labels and numbers): the
observatory page draws it, the CSV downloads and the animator export write it, and the JSON API
returns it as it is. Definitions (docs/observatory.md):

- a posting counts once published (status published or closed; drafts never count);
- a match is « acceptée » when the supplier answered it (interested, or contacted);
- a groupement is « formé » once complete or submitted;
- an ESS structure is an organisation of kind `ess`; a tender « a reçu une candidature ESS »
  when an ESS structure accepted its match or joined a groupement on it;
- insertion hours are the hours of social clauses (`insertion_hours`) of published tenders;
- SDGs come from the filières through `data/sdg_filieres.csv`.

Figures are cached per process and database for `CACHE_SECONDS` (a GET never writes).
"""


import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from app.labels import SDG
from app.services.observatory.categories import (
    awards_by_filiere,
    consortia_by_filiere,
    insertion_by_filiere,
    matches_by_filiere,
    organisations_by_commune,
    organisations_by_filiere,
    organisations_by_legal_form,
    postings_by_commune,
    postings_by_filiere,
)
from app.services.observatory.common import ANSWERED, FORMED, PUBLISHED, Figure
from app.services.observatory.procurement import headline, procurement, procurement_counts
from app.services.observatory.sdg import sdg_figure, sdg_mapping
from app.services.observatory.timeline import timeline

CACHE_SECONDS = 120.0
__all__ = ["ANSWERED", "CACHE", "FIGURES", "FORMED", "PUBLISHED", "Figure", "all_figures",
           "figure", "headline", "indicator_rows", "key_numbers", "procurement_counts",
           "sdg_figure", "sdg_mapping"]


FIGURES: dict[str, Callable[[Session], Figure]] = {
    "organisations-filiere": organisations_by_filiere,
    "organisations-commune": organisations_by_commune,
    "organisations-forme": organisations_by_legal_form,
    "annonces-filiere": postings_by_filiere,
    "annonces-commune": postings_by_commune,
    "mises-en-relation-filiere": matches_by_filiere,
    "groupements-filiere": consortia_by_filiere,
    "attributions-filiere": awards_by_filiere,
    "commande-publique": procurement,
    "heures-insertion-filiere": insertion_by_filiere,
    "odd": lambda session: sdg_figure(session, SDG),
    "evolution-mensuelle": timeline,
}


class FigureCache:
    """Per-process figures per database, `ttl` seconds old at most."""

    def __init__(self, ttl: float = CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[tuple, tuple[float, object]] = {}

    def get(self, session: Session, key: str, compute: Callable[[Session], object]):
        entry_key, now = (session.get_bind(), key), time.monotonic()
        loaded_at, value = self._entries.get(entry_key, (float("-inf"), None))
        if value is None or now - loaded_at >= self.ttl:
            value = compute(session)
            self._entries[entry_key] = (now, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


CACHE = FigureCache()


def figure(session: Session, key: str) -> Figure | None:
    """One figure by its key (None when unknown), from the cache."""
    compute = FIGURES.get(key)
    return CACHE.get(session, key, compute) if compute else None


def all_figures(session: Session) -> list[Figure]:
    return [figure(session, key) for key in FIGURES]


def key_numbers(session: Session) -> dict[str, int]:
    return CACHE.get(session, "headline", headline)


EXPORT_HEADER = ("Indicateur", "Catégorie", "Mesure", "Valeur")


def indicator_rows(session: Session) -> list[tuple]:
    """Every figure in long form (one value per line), for the animators' reporting."""
    numbers = [("Chiffres clés", KEY_NUMBER_LABELS[key], "Nombre", value)
               for key, value in key_numbers(session).items()]
    return numbers + [(item.title, row[0], column, value)
                      for item in all_figures(session)
                      for row in item.rows
                      for column, value in zip(item.columns[1:], row[1:], strict=True)]


KEY_NUMBER_LABELS = {
    "organisations": "Organisations inscrites", "ess": "Structures de l'ESS",
    "needs": "Besoins publiés", "offers": "Offres publiées",
    "answered": "Mises en relation acceptées", "consortia": "Groupements formés",
    "awards_ess": "Marchés remportés par l'ESS",
}
