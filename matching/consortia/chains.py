"""Value chains: one complementary organisation per step, solved as a groupement whose lots
are the chain's steps. Templates are data; `query` is the text a matcher scores fits against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from matching.consortia.builder import build_consortia
from matching.consortia.types import (
    Candidate,
    ConsortiumOptions,
    ConsortiumResult,
    Lot,
    Reservation,
    Tender,
)


@dataclass(frozen=True)
class ChainStep:
    id: str
    label: str
    query: str


@dataclass(frozen=True)
class ChainTemplate:
    id: str
    label: str
    sector: str  # filière id
    steps: tuple[ChainStep, ...]


def _template(cid: str, label: str, sector: str, *steps: tuple[str, str, str]) -> ChainTemplate:
    return ChainTemplate(cid, label, sector, tuple(ChainStep(*s) for s in steps))


CHAIN_TEMPLATES: dict[str, ChainTemplate] = {t.id: t for t in (
    _template("reemploi", "Filière du réemploi", "reemploi",
              ("collecte", "Collecte", "collecte d'objets et d'encombrants, apport volontaire"),
              ("tri", "Tri", "tri et valorisation des objets collectés"),
              ("reparation", "Réparation", "réparation, remise en état, atelier"),
              ("revente", "Revente", "ressourcerie, boutique solidaire, revente d'occasion")),
    _template("eco-construction", "Éco-construction circulaire", "eco-construction",
              ("deconstruction", "Déconstruction", "déconstruction sélective, curage de chantier"),
              ("reemploi-materiaux", "Réemploi de matériaux",
               "plateforme de réemploi de matériaux de construction"),
              ("construction-biosourcee", "Construction biosourcée",
               "construction en matériaux biosourcés, bois, paille, terre crue")),
    _template("numerique-responsable", "Numérique reconditionné", "numerique-responsable",
              ("collecte-deee", "Collecte de matériel", "collecte d'ordinateurs et de DEEE"),
              ("reconditionnement", "Reconditionnement",
               "reconditionnement informatique, effacement des données"),
              ("distribution", "Revente solidaire", "vente de matériel reconditionné"),
              ("mediation", "Médiation numérique", "accompagnement et formation au numérique")),
    _template("alimentation", "Circuit court alimentaire", "alimentation",
              ("production", "Production", "maraîchage et agriculture biologique locale"),
              ("transformation", "Transformation", "légumerie, conserverie, transformation"),
              ("logistique", "Logistique", "livraison mutualisée, logistique du dernier kilomètre"),
              ("distribution-alimentaire", "Distribution",
               "épicerie solidaire, restauration collective")),
)}


def chain_tender(template_id: str, *, reserved: Reservation | None = None,
                 insertion_hours: float = 0.0, lat: float | None = None,
                 lon: float | None = None) -> Tender:
    """A tender whose lots are the template's steps (KeyError on an unknown template)."""
    steps = CHAIN_TEMPLATES[template_id].steps
    return Tender(lots=tuple(Lot(s.id, s.label) for s in steps), reserved=reserved,
                  insertion_hours=insertion_hours, lat=lat, lon=lon, unit="étape")


def build_chain(template_id: str, candidates: Sequence[Candidate],
                options: ConsortiumOptions | None = None,
                tender: Tender | None = None) -> ConsortiumResult:
    """Chains of distinct organisations, one per step; `fits` are keyed by step id.

    `tender` (from `chain_tender`) adds a buyer location, reservation or insertion hours.
    """
    options = options or ConsortiumOptions()
    if options.max_lots_per_member is None:
        options = replace(options, max_lots_per_member=1)
    return build_consortia(tender or chain_tender(template_id), candidates, options)
