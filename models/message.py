"""Contact threads between two organisations, optionally about a posting."""

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin
from models.organisation import Organisation
from models.posting import Posting
from models.user import User


def conversation_key(organisation_id: int, other_id: int, posting_id: int | None) -> str:
    """The same for both ways round: two organisations have one thread per subject."""
    low, high = sorted((organisation_id, other_id))
    return f"{low}-{high}:{posting_id or '-'}"


class Thread(TimestampMixin, Base):
    """Unique per (pair of organisations, posting or none): see `conversation_key`."""

    __tablename__ = "threads"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation: Mapped[str | None] = mapped_column(String(40), unique=True)
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


@event.listens_for(Thread, "before_insert")
def _set_conversation(_mapper, _connection, thread: Thread) -> None:
    thread.conversation = conversation_key(thread.initiator_id, thread.recipient_id,
                                           thread.posting_id)


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
