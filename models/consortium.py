"""Groupements (consortia) formed to answer a tender together."""

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError
from models.organisation import Organisation
from models.posting import Posting

CONSORTIUM_STATUSES = ("forming", "complete", "submitted")
CONSORTIUM_OUTCOMES = ("retained", "not_retained")  # set when the tender closes
MEMBER_ROLES = ("lead", "co_contractor", "subcontractor")
INVITATION_STATUSES = ("invited", "accepted", "declined")


class Consortium(TimestampMixin, Base):
    __tablename__ = "consortia"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("postings.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(12), default="forming")
    explanation: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(12))

    # Why a submitted groupement no longer meets the market's reservation (a member lost its
    # status after submission); empty when it does. See docs/legal-rules.md.
    rules_flag: Mapped[str] = mapped_column(Text, default="", server_default="")

    posting: Mapped[Posting | None] = relationship()
    created_by: Mapped[Organisation] = relationship()
    # Ordered, so that explanations list members the same way after every reload, on every DB.
    members: Mapped[list["ConsortiumMember"]] = relationship(
        back_populates="consortium", cascade="all, delete-orphan",
        order_by="ConsortiumMember.id",
    )

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        if value not in CONSORTIUM_STATUSES:
            raise ValidationError("Statut de groupement inconnu.", "status")
        return value

    @validates("outcome")
    def _check_outcome(self, _key: str, value: str | None) -> str | None:
        if value is not None and value not in CONSORTIUM_OUTCOMES:
            raise ValidationError("Résultat de groupement inconnu.", "outcome")
        return value


class ConsortiumMember(TimestampMixin, Base):
    """A member's role and the lot numbers it covers, with its answer to the invitation."""

    __tablename__ = "consortium_members"
    __table_args__ = (UniqueConstraint("consortium_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(
        ForeignKey("consortia.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="co_contractor")
    lot_numbers: Mapped[list[int]] = mapped_column(JSON, default=list)
    invitation_status: Mapped[str] = mapped_column(String(10), default="invited")

    consortium: Mapped[Consortium] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()

    @validates("role")
    def _check_role(self, _key: str, value: str) -> str:
        if value not in MEMBER_ROLES:
            raise ValidationError("Rôle de membre inconnu.", "role")
        return value

    @validates("invitation_status")
    def _check_invitation(self, _key: str, value: str) -> str:
        if value not in INVITATION_STATUSES:
            raise ValidationError("Statut d'invitation inconnu.", "invitation_status")
        return value
