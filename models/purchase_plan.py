"""A buyer's uploaded purchase plan and its analysis (the SPASER use case, docs/purchase-plan.md).

The parsed lines are stored as they were read; the analysis (per-line CPV, filières, ESS
suppliers, reserved-market and social-clause feasibility, groupements, summary by filière) is
a snapshot computed by the job queue and stored as JSON: the report, its CSV and its printable
page all read the same snapshot, even after the directory changed.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.organisation import Organisation

PLAN_STATUSES = ("pending", "done", "failed")


class PurchasePlan(Base):
    """One upload: who owns it, what it holds, and the analysis once the job has run."""

    __tablename__ = "purchase_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    lines: Mapped[list] = mapped_column(JSON, default=list)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    analysed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()

    @property
    def pending(self) -> bool:
        return self.status == "pending"
