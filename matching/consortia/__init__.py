"""Collective-bid (groupement / consortium) and value-chain builder."""

from matching.consortia.builder import build_consortia
from matching.consortia.chains import (
    CHAIN_TEMPLATES,
    ChainStep,
    ChainTemplate,
    build_chain,
    chain_tender,
)
from matching.consortia.types import (
    Candidate,
    ConsortiumOptions,
    ConsortiumResult,
    Lot,
    Member,
    ObjectiveBreakdown,
    ObjectiveWeights,
    Proposal,
    Role,
    Tender,
)

__all__ = [
    "CHAIN_TEMPLATES",
    "Candidate",
    "ChainStep",
    "ChainTemplate",
    "ConsortiumOptions",
    "ConsortiumResult",
    "Lot",
    "Member",
    "ObjectiveBreakdown",
    "ObjectiveWeights",
    "Proposal",
    "Role",
    "Tender",
    "build_chain",
    "build_consortia",
    "chain_tender",
]
