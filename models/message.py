"""Contact threads between two organisations, optionally about a posting."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin
from models.organisation import Organisation
from models.posting import Posting
from models.user import User


class Thread(TimestampMixin, Base):
    __tablename__ = "threads"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("postings.id", ondelete="SET NULL"), index=True
    )
    initiator_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    posting: Mapped[Posting | None] = relationship()
    initiator: Mapped[Organisation] = relationship(foreign_keys=[initiator_id])
    recipient: Mapped[Organisation] = relationship(foreign_keys=[recipient_id])
    messages: Mapped[list["Message"]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="Message.id"
    )

    def involves(self, organisation_id: int) -> bool:
        return organisation_id in (self.initiator_id, self.recipient_id)


class Message(TimestampMixin, Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    sender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    thread: Mapped[Thread] = relationship(back_populates="messages")
    sender_organisation: Mapped[Organisation] = relationship()
    sender_user: Mapped[User | None] = relationship()
