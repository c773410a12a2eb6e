"""Plain dataclasses in and out of the collective-bid (groupement) builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Reservation = Literal["siae", "ea_esat"]
Method = Literal["auto", "exact", "heuristic"]
DiversityOn = Literal["members", "lots"]


class Role(StrEnum):
    """Role of a member in the groupement, as French public procurement names it."""

    LEAD = "lead"  # mandataire: signs for the groupement, carries the coordination
    CO_CONTRACTOR = "co_contractor"  # cotraitant: signs the contract, jointly liable
    SUBCONTRACTOR = "subcontractor"  # sous-traitant: works under the lead, does not sign

    @property
    def label_fr(self) -> str:
        return {"lead": "mandataire", "co_contractor": "cotraitant",
                "subcontractor": "sous-traitant"}[self.value]


@dataclass(frozen=True)
class Lot:
    """One lot of a tender (or one capability / chain step a need asks for)."""

    id: str
    label: str
    reserved: Reservation | None = None


@dataclass(frozen=True)
class Tender:
    """What the groupement must answer: lots, reservations, social clause, buyer location."""

    lots: tuple[Lot, ...]
    reserved: Reservation | None = None
    insertion_hours: float = 0.0
    lat: float | None = None
    lon: float | None = None
    unit: str = "lot"  # French noun for a lot in explanations ("étape" for value chains)


@dataclass(frozen=True)
class Candidate:
    """An organisation that may join; `fits` maps lot id to the matcher's score in 0..1."""

    id: str
    name: str
    fits: Mapping[str, float]
    headcount: int
    lat: float
    lon: float
    siae: bool = False
    ea_esat: bool = False
    networks: frozenset[str] = frozenset()

    def eligible_for(self, reservation: Reservation | None) -> bool:
        """True when the organisation may hold a lot (or join a tender) with this reservation."""
        if reservation is None:
            return True
        return self.siae if reservation == "siae" else self.ea_esat

    @property
    def social(self) -> bool:
        """SIAE or EA/ESAT: counts for the social clause (insertion hours)."""
        return self.siae or self.ea_esat


@dataclass(frozen=True)
class ObjectiveWeights:
    """Objective weights, in units of 'one lot covered with fit 1.0'."""

    member: float = 0.15  # per member: prefer few members
    km: float = 0.004  # per member per km to the anchor: prefer local members
    radius_km: float = 0.004  # per km of the farthest member from the anchor: compactness
    network: float = 0.10  # bonus per member of `prefer_network`
    weak_lead: float = 0.50  # penalty when no member can carry the bid as lead


@dataclass(frozen=True)
class ConsortiumOptions:
    """Knobs of the builder; defaults are the documented ones (docs/benchmarks.md)."""

    n_proposals: int = 3
    fit_threshold: float = 0.35  # a member may cover a lot only at or above this fit
    top_k: int = 12  # candidates kept per lot before solving (pre-filter)
    diversity: int = 2  # each new proposal differs from every earlier one by >= this
    diversity_on: DiversityOn = "members"  # members: symmetric difference; lots: reassigned lots
    prefer_network: str | None = None
    min_lead_headcount: int = 10
    lead_fit_min: float = 0.6
    min_cocontractor_headcount: int = 3  # smaller members are proposed as subcontractors
    max_members: int | None = None
    max_lots_per_member: int | None = None
    weak_fit: float = 0.5  # explanation flags lots covered below this fit
    method: Method = "auto"
    exact_max_pairs: int = 6000  # auto: exact CP-SAT up to this many (member, lot) pairs
    time_limit_s: float = 8.0  # for all proposals together
    workers: int = 1  # CP-SAT workers; one worker with the full LP is fastest here
    seed: int = 0
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)


@dataclass(frozen=True)
class Member:
    """One organisation of a proposal, its role and the lots it covers."""

    candidate_id: str
    name: str
    role: Role
    lots: tuple[str, ...]
    fits: tuple[float, ...]
    headcount: int
    distance_km: float


@dataclass(frozen=True)
class ObjectiveBreakdown:
    """Objective components (higher total is better); each is already signed."""

    fit: float
    members: float
    distance: float
    radius: float
    network: float
    lead: float

    @property
    def total(self) -> float:
        return self.fit + self.members + self.distance + self.radius + self.network + self.lead


@dataclass(frozen=True)
class Proposal:
    """One candidate groupement, with its score and French explanation."""

    members: tuple[Member, ...]
    assignment: Mapping[str, str]  # lot id -> candidate id
    objective: float
    components: ObjectiveBreakdown
    explanation: tuple[str, ...]
    method: str
    proven_optimal: bool

    @property
    def lead(self) -> Member:
        return next(m for m in self.members if m.role is Role.LEAD)


@dataclass(frozen=True)
class ConsortiumResult:
    """Answer of the builder; infeasible tenders name their uncovered lots, never raise."""

    feasible: bool
    proposals: tuple[Proposal, ...] = ()
    uncovered_lots: tuple[str, ...] = ()
    message: str = ""
    method: str = ""
    elapsed_s: float = 0.0
