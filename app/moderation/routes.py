"""Moderation queue (animators), a network's page (its members and animators), « Signaler »."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.access import current_viewer, get_or_404, my_organisations, require_member
from app.extensions import db
from app.moderation import bp
from app.moderation.forms import ReportForm
from app.moderation.links import item_link
from app.services.moderation import (
    KIND_LABELS,
    decided_items,
    open_count,
    open_items,
    report_posting,
)
from app.services.moderation import decide as decide_item
from app.services.networks import members_of_network, networks_of, opportunities_for
from app.transaction import try_write
from models import ModerationItem, Organisation, Posting

# Pages of the animators' space that other blueprints may add (shown when registered).
SPACE_LINKS = (("moderation.queue", "File de modération"),
               ("animation.statuses", "Statuts à valider"))
STATUS_LABELS = {"open": "En attente", "approved": "Approuvé ou traité", "rejected": "Refusé",
                 "delivered": "Remis à la structure"}


@bp.app_context_processor
def space_context() -> dict:
    """`my_networks` (the user's network organisations) and, for animators, `moderation_open`."""
    if not current_user.is_authenticated:
        return {"my_networks": [], "moderation_open": 0}
    return {"my_networks": networks_of(my_organisations()),
            "moderation_open": open_count(db.session) if current_user.is_animator else 0}


def require_animator() -> None:
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not current_viewer().animator:
        abort(403)


def space_links() -> list[tuple[str, str]]:
    endpoints = set(current_app.view_functions)
    return [(url_for(endpoint), label) for endpoint, label in SPACE_LINKS
            if endpoint in endpoints]


@bp.get("/moderation")
def queue():
    require_animator()
    return render_template("moderation/queue.html", items=open_items(db.session),
                           decided=decided_items(db.session), space_links=space_links(),
                           kind_labels=KIND_LABELS, status_labels=STATUS_LABELS)


@bp.post("/moderation/<int:item_id>/<any(approuver, refuser):decision>")
def decide(item_id: int, decision: str):
    require_animator()
    item = get_or_404(ModerationItem, item_id)
    approve = decision == "approuver"
    if try_write(lambda: decide_item(db.session, item, current_user._get_current_object(),
                                     approve, item_link)):
        flash("Demande approuvée." if approve else "Demande refusée.", "success")
    return redirect(url_for("moderation.queue"))


@bp.get("/reseaux/<int:organisation_id>")
def network(organisation_id: int):
    """The network's members and the open needs suggested to them (network members and
    animators only: the list of fits is working material, not a public page)."""
    organisation = get_or_404(Organisation, organisation_id)
    if organisation.kind != "network":
        abort(404)
    require_member(organisation.id)
    members = members_of_network(db.session, organisation.id)
    return render_template("moderation/network.html", network=organisation, members=members,
                           opportunities=opportunities_for(db.session, [m.id for m in members]))


@bp.post("/signaler/annonce/<int:posting_id>")
@login_required
def report(posting_id: int):
    posting = get_or_404(Posting, posting_id)
    if posting.status == "draft":
        abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        flash("Signalement non envoyé : " + " ".join(form.note.errors or ["formulaire expiré."]),
              "error")
    elif try_write(lambda: report_posting(db.session, posting, current_user._get_current_object(),
                                          form.note.data)):
        flash("Merci : l'équipe d'animation va examiner ce signalement.", "success")
    return redirect(url_for("postings.show", id=posting.id))
