"""Suggestions of a need (buyer's side), actions on them (both sides), « vu », and the
« utile ? » feedback."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.access import get_or_404, member_organisation_ids, require_member
from app.extensions import db
from app.forms import apply_errors
from app.htmx import render_filtered, wants_partial
from app.matches import bp
from app.matches.forms import FeedbackForm
from app.services.feedback import feedback_by_match, feedback_side, give_feedback
from app.services.follow_up import dismissed_matches, states_by_organisation
from app.services.match_actions import acting_side, apply_action, record_viewed, supplier_of
from app.services.matching import partners_for, ranking_pending, visible_matches
from app.transaction import try_write
from models import Match, Organisation, Posting, ValidationError


@bp.get("/besoin/<int:need_id>")
@login_required
def for_need(need_id: int):
    posting = get_or_404(Posting, need_id)
    require_member(posting.organisation_id)
    if posting.direction != "need" or posting.status == "draft":
        abort(404)
    closed = posting.status == "closed"  # closing hides nothing: the list stays, read-only
    return render_filtered("matches/need.html", "partials/match_list.html",
                           posting=posting, matches=visible_matches(db.session, posting),
                           dismissed=dismissed_matches(db.session, posting),
                           states=states_by_organisation(db.session, posting.id),
                           feedback=feedback_by_match(db.session, current_user.id),
                           computing=not closed and ranking_pending(posting), side="buyer")


@bp.post("/besoin/<int:need_id>/vu")
@login_required
def viewed(need_id: int):
    """Sent by the need's page when a suggested supplier opens it (a GET never writes)."""
    posting = get_or_404(Posting, need_id)
    if posting.status == "published":
        record_viewed(db.session, posting.id, member_organisation_ids(), current_user)
    return "", 204


@bp.post("/<int:match_id>/avis")
@login_required
def feedback(match_id: int):
    """« Cette suggestion vous a-t-elle été utile ? » (one answer per user, changeable)."""
    match = get_or_404(Match, match_id)
    form = FeedbackForm()
    side = feedback_side(match, member_organisation_ids())  # NotAllowed: 403
    if form.validate_on_submit():
        try:
            give_feedback(db.session, match, current_user, side, form.to_answer())
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
    status = 200 if not form.errors else 422
    if wants_partial():
        return render_template("partials/feedback_form.html", match=match, form=form,
                               answer=feedback_by_match(db.session, current_user.id).get(
                                   match.id), saved=not form.errors), status
    if form.errors:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    else:
        flash("Merci pour votre avis.", "success")
    return redirect(request.referrer or url_for("dashboard.index"))


@bp.post("/<int:match_id>/<action>")
@login_required
def act(match_id: int, action: str):
    match = get_or_404(Match, match_id)
    side = acting_side(match, action, member_organisation_ids())  # NotAllowed: 403
    if action == "contact":
        return redirect(url_for("messages.new", organisation_id=supplier_of(match).id,
                                posting_id=match.need_id))
    if not try_write(lambda: apply_action(db.session, match, action, member_organisation_ids(),
                                          current_user)):
        return redirect(request.referrer or url_for("dashboard.index"))
    if wants_partial():
        return render_template(
            "partials/match_card.html", match=match, side=side,
            states=states_by_organisation(db.session, match.need_id),
            feedback=feedback_by_match(db.session, current_user.id), focus=True)
    return redirect(request.referrer or url_for("dashboard.index"))


@bp.get("/partenaires/<int:organisation_id>")
def partners(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    suggestions = partners_for(db.session, organisation)
    organisations = {o.id: o for o in db.session.query(Organisation).filter(
        Organisation.id.in_([int(s.id.split(":")[1]) for s in suggestions]))}
    return render_template("partials/partner_list.html", organisation=organisation,
                           suggestions=suggestions, organisations=organisations)
