"""Contact between organisations: threads about a posting (or general), and replies."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.access import (
    acting_or_onboarding,
    current_organisation,
    get_or_404,
    member_organisation_ids,
)
from app.extensions import db, limiter, user_or_address
from app.messages import bp
from app.messages.forms import NewThreadForm, ReplyForm
from app.organisations.formkit import submit
from app.services.messaging import other_side, reply, start_thread, threads_of
from app.services.moderation import MESSAGE_QUEUED, has_members
from models import Organisation, Posting, Thread


def thread_link(thread: Thread) -> str:
    return url_for("messages.show", thread_id=thread.id)


def get_thread(thread_id: int) -> tuple[Thread, Organisation]:
    """The thread and the side the user writes for; 404 unknown, 403 for outsiders.

    Animators get no special access: conversations stay between the two organisations."""
    thread = get_or_404(Thread, thread_id)
    mine = member_organisation_ids() & {thread.initiator_id, thread.recipient_id}
    if not mine:
        abort(403)
    current = current_organisation()
    side_id = current.id if current and current.id in mine else min(mine)
    return thread, db.session.get(Organisation, side_id)


def posting_between(posting_id: int | None, *organisation_ids: int) -> Posting | None:
    """The posting the thread is about: it must belong to one of the two organisations."""
    if posting_id is None:
        return None
    posting = get_or_404(Posting, posting_id)
    if posting.organisation_id not in organisation_ids or posting.status == "draft":
        abort(404)
    return posting


@bp.get("/")
@login_required
def index():
    ids = member_organisation_ids()
    return render_template("messages/index.html", threads=threads_of(db.session, ids),
                           my_ids=ids, other_side=other_side)


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"], key_func=user_or_address)
def new():
    recipient = get_or_404(Organisation, request.args.get("organisation_id", type=int) or 0)
    sender = acting_or_onboarding(request.args.get("org_id", type=int))
    posting = posting_between(request.args.get("posting_id", type=int), sender.id, recipient.id)
    form = NewThreadForm(subject=posting.title if posting else "")
    saved, thread = submit(form, lambda: start_thread(
        db.session, sender, current_user._get_current_object(), recipient, form.subject.data,
        form.body.data, posting, thread_link))
    reachable = has_members(db.session, recipient.id)
    if not saved:
        return render_template("messages/new.html", form=form, sender=sender,
                               recipient=recipient, posting=posting, reachable=reachable)
    if not reachable:
        flash(MESSAGE_QUEUED, "info")
    return redirect(thread_link(thread))


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"], key_func=user_or_address)
def show(thread_id: int):
    thread, side = get_thread(thread_id)
    form = ReplyForm()
    saved, _ = submit(form, lambda: reply(
        db.session, thread, side, current_user._get_current_object(), form.body.data,
        thread_link))
    other = other_side(thread, side.id)
    reachable = has_members(db.session, other.id)
    if saved:
        if not reachable:
            flash(MESSAGE_QUEUED, "info")
        return redirect(thread_link(thread) + "#dernier")
    return render_template("messages/show.html", thread=thread, side=side, form=form,
                           other=other, reachable=reachable)
