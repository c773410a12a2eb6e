"""Essaim's data model: SQLAlchemy 2.0 typed models, one module per aggregate (no Flask here)."""

from models.api_token import ApiToken
from models.award import Award
from models.base import Base
from models.change_log import OutboxEvent, ProfileChange, StoredVector
from models.consortium import Consortium, ConsortiumMember
from models.errors import DomainError, NotAllowed, ValidationError
from models.match import Match
from models.message import Message, Thread
from models.notification import Notification
from models.organisation import NetworkMember, Organisation
from models.posting import Lot, Posting
from models.reference import Commune, CpvCode, Filiere, LegalForm, Lever
from models.user import Membership, User

__all__ = [
    "Base", "DomainError", "NotAllowed", "ValidationError", "Commune", "Consortium",
    "ConsortiumMember", "CpvCode", "Filiere",
    "LegalForm", "Lever", "Lot", "Match", "Membership", "Message", "NetworkMember", "Notification",
    "Organisation", "Posting", "Thread", "User", "Award", "OutboxEvent", "ProfileChange",
    "StoredVector", "ApiToken",
]
