"""Claiming an organisation that has no member yet (the directory's imported structures)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.access import get_or_404
from app.extensions import db, limiter
from app.moderation.links import item_link
from app.organisations import bp
from app.organisations.formkit import submit
from app.organisations.forms import ClaimForm
from app.services.claims import domain_matches, open_claim, request_claim
from app.services.moderation import has_members
from models import Organisation


@bp.route("/<int:organisation_id>/revendiquer", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def claim(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    user = current_user._get_current_object()
    form = ClaimForm()
    saved, item = submit(form, lambda: request_claim(db.session, user, organisation,
                                                     form.note.data or "", item_link))
    if not saved:
        return render_template(
            "organisations/claim.html", form=form, organisation=organisation,
            has_members=has_members(db.session, organisation.id),
            pending=open_claim(db.session, user, organisation) is not None,
            domain_match=domain_matches(user.email, organisation.website),
            verified=user.email_verified_at is not None)
    if item.status == "approved":
        flash(f"Votre adresse est sur le domaine de « {organisation.name} » : vous en êtes "
              "maintenant responsable.", "success")
        return redirect(url_for("organisations.mine"))
    flash(f"Votre demande pour « {organisation.name} » est transmise à l'équipe d'animation : "
          "vous serez prévenu par e-mail de sa décision.", "success")
    return redirect(url_for("directory.show", id=organisation.id))
