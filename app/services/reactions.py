"""What the job queue does for each outbox event: rank, alert, e-mail.

Every reaction is idempotent: the queue may run an event again after a crash or a retry, and
the final state is the same (Match rows are upserted, alerts skip organisations already
alerted, an e-mail job stops once its notification is marked sent).
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.infra import vectors
from app.infra.index_holder import Indexes
from app.infra.mail import Mailer
from app.services import account_mail, moderation, notify, purchase_plan
from app.services.alerts import alert_fitting_organisations
from app.services.closing import NEED_CLOSED, tell_outcome
from app.services.events import NEED_CHANGED, NEED_PUBLISHED
from app.services.matching import refresh_all_open_needs, refresh_matches
from app.services.matching_profiles import parse_key
from models import OutboxEvent, Posting
from models.change_log import PROFILES_CHANGED, REBUILD


@dataclass(frozen=True)
class JobContext:
    """What reactions need besides the session: the mail transport and this process's index."""

    mailer: Mailer
    index: Indexes


def need_published(session: Session, ctx: JobContext, event: OutboxEvent,
                   posting_id: int) -> None:
    posting = session.get(Posting, posting_id)
    if posting is not None and posting.is_open:
        alert_fitting_organisations(session, posting, refresh_matches(session, posting))


def need_changed(session: Session, ctx: JobContext, event: OutboxEvent, posting_id: int) -> None:
    posting = session.get(Posting, posting_id)
    if posting is not None and posting.is_open:
        refresh_matches(session, posting)


def profiles_changed(session: Session, ctx: JobContext, event: OutboxEvent,
                     keys: list[str]) -> None:
    """Store the changed profiles' vectors once for every process, then re-rank the open
    needs, unless a later change is already queued (bursts are ranked once)."""
    for holder in (ctx.index.suppliers, ctx.index.postings):
        profiles = holder.changed_profiles(session, set(keys))
        vectors.passages(session, holder.encoder_factory(), [p.full_text for p in profiles],
                         store=True)
    if _touches_suppliers(session, keys) and not _later_change_queued(session, event.id):
        refresh_all_open_needs(session)


def _touches_suppliers(session: Session, keys: list[str]) -> bool:
    if REBUILD in keys:
        return True
    for key in keys:
        kind, number = parse_key(key)
        if kind == "org":
            return True
        posting = session.get(Posting, number)
        if posting is None or posting.direction == "offer":
            return True
    return False


def _later_change_queued(session: Session, event_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        OutboxEvent.topic == PROFILES_CHANGED, OutboxEvent.done_at.is_(None),
        OutboxEvent.id > event_id))))


def notification_email(session: Session, ctx: JobContext, event: OutboxEvent,
                       notification_id: int) -> None:
    notify.email_notification(session, ctx.mailer, notification_id)


def account_email(session: Session, ctx: JobContext, event: OutboxEvent, **payload) -> None:
    account_mail.send_account_email(session, ctx.mailer, **payload)


def digest_email(session: Session, ctx: JobContext, event: OutboxEvent, **payload) -> None:
    notify.email_digest(session, ctx.mailer, **payload)


def moderation_queued(session: Session, ctx: JobContext, event: OutboxEvent,
                      item_id: int) -> None:
    moderation.email_animators(session, ctx.mailer, item_id)


def need_closed(session: Session, ctx: JobContext, event: OutboxEvent, posting_id: int) -> None:
    """Tell candidates and groupement members the outcome (skips those already told)."""
    tell_outcome(session, posting_id)


def purchase_plan_uploaded(session: Session, ctx: JobContext, event: OutboxEvent,
                           plan_id: int) -> None:
    """Analyse an uploaded purchase plan (a rerun recomputes the same snapshot)."""
    purchase_plan.analyse_plan(session, plan_id, current_app.config["INSTANCE_DIR"])


REACTIONS = {
    moderation.MODERATION_QUEUED: moderation_queued,
    NEED_CLOSED: need_closed,
    NEED_PUBLISHED: need_published,
    NEED_CHANGED: need_changed,
    PROFILES_CHANGED: profiles_changed,
    notify.NOTIFICATION_EMAIL: notification_email,
    notify.DIGEST_EMAIL: digest_email,
    account_mail.ACCOUNT_EMAIL: account_email,
    purchase_plan.PLAN_UPLOADED: purchase_plan_uploaded,
}
