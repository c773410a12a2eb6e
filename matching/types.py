"""Plain dataclasses in and out of the matching engine (no ORM, no web framework)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

Kind = Literal["ess", "company", "public_buyer", "network", "offer"]
NeedType = Literal["tender", "purchase", "partnership", "resource", "skills", "financing"]
Reservation = Literal["siae", "ea_esat"]

SUPPLIER_NEEDS = frozenset({"tender", "purchase", "skills"})  # public buyers cannot answer
PARTNER_NEEDS = frozenset({"partnership"})
# needs whose text opens on who asks (« Épicerie solidaire de Vertou, nous cherchons… »)
REQUESTER_DESCRIBED = frozenset({"partnership", "resource", "financing"})


@dataclass(frozen=True)
class Reference:
    """A public contract an organisation won (DECP row or ``Award``): evidence of what it does.

    ``date`` is ISO ``YYYY-MM-DD`` (or None when unknown); ``cpv`` the 8-digit code without
    check digit; ``buyer`` the buyer's SIREN/SIRET; ``departement`` the place of execution.
    """

    objet: str
    cpv: str | None = None
    buyer: str | None = None
    buyer_name: str | None = None
    departement: str | None = None
    date: str | None = None
    amount: float | None = None


@dataclass(frozen=True)
class Profile:
    """An organisation or a published offer, as the matcher sees it."""

    id: str
    text: str
    title: str = ""
    kind: Kind = "ess"
    filieres: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    siae: bool = False
    ea_esat: bool = False
    esus: bool = False
    qpv: bool = False
    headcount: int | None = None
    legal_form: str | None = None
    owner_id: str | None = None  # for an offer: the organisation that publishes it
    active: bool = True  # closed or expired postings are never proposed
    in_metropole: bool | None = None
    commune: str | None = None
    # public contracts won (``Award`` rows, DECP ``references``) and the NAF code (e.g. 3811Z)
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)
    naf: str | None = None
    departement: str | None = None  # where the organisation is based (code, e.g. "44")

    @property
    def full_text(self) -> str:
        return f"{self.title}. {self.text}" if self.title else self.text

    def eligible_for(self, reserved: Reservation | None) -> bool:
        """True when the profile may answer a tender with this reservation (hard rule)."""
        if reserved is None:
            return True
        return self.siae if reserved == "siae" else self.ea_esat


@dataclass(frozen=True)
class Need:
    """A need posted on the marketplace: a tender, a partnership request, a resource…"""

    id: str
    text: str
    type: NeedType = "tender"
    filieres: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    reserved: Reservation | None = None
    max_km: float | None = None
    requester_id: str | None = None  # never proposed, nor its offers
    lots: tuple[str, ...] = ()
    in_metropole: bool | None = None
    title: str = ""
    # who buys and what (public tenders): buyer SIREN/SIRET and name, CPV code, département of
    # execution, notification or publication date (ISO); evidence signals read them
    buyer: str | None = None
    buyer_name: str | None = None
    cpv: str | None = None
    departement: str | None = None
    date: str | None = None
    # The query vector stored at publication (``Matcher.encode_need``): no encoding on reads.
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def full_text(self) -> str:
        parts = [self.title, self.text, *self.lots]
        return ". ".join(p for p in parts if p)


@dataclass(frozen=True)
class SearchFilters:
    """Optional filters of a free-text search; every field narrows the result set."""

    filieres: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    siae: bool = False
    ea_esat: bool = False
    esus: bool = False
    lat: float | None = None
    lon: float | None = None
    commune: str | None = None
    max_km: float | None = None


@dataclass(frozen=True)
class SearchQuery:
    """A visitor's free-text search: what is sought, with no requester behind it.

    Unlike a ``Need`` it has no type, no requester and no reservation: nothing is excluded
    as « the requester's own », nothing penalised as a look-alike of it.
    """

    text: str
    filieres: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    max_km: float | None = None

    @property
    def full_text(self) -> str:
        return self.text


@dataclass
class Suggestion:
    """One ranked result with the signals behind its score and a French explanation.

    ``relevance`` is the text-relevance part of ``score`` (the fused retrieval score, 0..1);
    the rest is the structured signals of the recipe (``matching.rank.SIGNAL_WEIGHTS``).
    """

    id: str
    score: float
    components: dict[str, float] = field(default_factory=dict)
    explanation: str = ""
    relevance: float = 0.0
