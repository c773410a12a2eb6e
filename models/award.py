"""Public contract awards (DECP): who won which closed tender, for how much and when.

The winner is kept by SIRET and name even when Essaim does not know the organisation yet, so
that the reference appears on its page as soon as it registers with that SIRET.
"""

from datetime import date

from sqlalchemy import Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, TimestampMixin, ValidationError
from models.organisation import Organisation
from models.posting import Posting
from models.validators import normalise_siret, siret_error


class Award(TimestampMixin, Base):
    """One winner (titulaire) of an awarded tender; a groupement gives one row per member."""

    __tablename__ = "awards"
    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    winner_siret: Mapped[str | None] = mapped_column(String(14), index=True)
    winner_name: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    notified_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), default="decp")

    posting: Mapped[Posting] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @validates("winner_siret")
    def _check_siret(self, _key: str, value: str | None) -> str | None:
        if value is None:
            return None
        error = siret_error(value)
        if error:
            raise ValidationError(error, "winner_siret")
        return normalise_siret(value)
