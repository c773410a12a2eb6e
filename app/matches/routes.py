"""Suggestions of a need (buyer's side) and actions on them (both sides)."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required

from app.access import get_or_404, is_member, member_organisation_ids, require_member
from app.extensions import db
from app.htmx import render_filtered, wants_partial
from app.matches import bp
from app.services.match_actions import apply_action, supplier_of
from app.services.matching import partners_for, ranking_pending, visible_matches
from models import Match, Organisation, Posting


@bp.get("/besoin/<int:need_id>")
@login_required
def for_need(need_id: int):
    posting = get_or_404(Posting, need_id)
    require_member(posting.organisation_id)
    if posting.direction != "need" or posting.status != "published":
        abort(404)
    return render_filtered("matches/need.html", "partials/match_list.html",
                           posting=posting, matches=visible_matches(db.session, posting),
                           computing=ranking_pending(posting), side="buyer")


@bp.post("/<int:match_id>/<action>")
@login_required
def act(match_id: int, action: str):
    match = get_or_404(Match, match_id)
    apply_action(db.session, match, action, member_organisation_ids())  # NotAllowed: 403
    if action == "contact":
        return redirect(url_for("messages.new", organisation_id=supplier_of(match).id,
                                posting_id=match.need_id))
    side = "buyer" if is_member(match.need.organisation_id) else "supplier"
    if wants_partial():
        return render_template("partials/match_card.html", match=match, side=side)
    return redirect(request.referrer or url_for("dashboard.index"))


@bp.get("/partenaires/<int:organisation_id>")
def partners(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    suggestions = partners_for(db.session, organisation)
    organisations = {o.id: o for o in db.session.query(Organisation).filter(
        Organisation.id.in_([int(s.id.split(":")[1]) for s in suggestions]))}
    return render_template("partials/partner_list.html", organisation=organisation,
                           suggestions=suggestions, organisations=organisations)
