"""Verifying a user's e-mail address (a signed link); a verified address on an organisation's
website domain lets its owner claim that organisation without waiting for an animator."""

from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth import bp
from app.extensions import db, limiter
from app.moderation.forms import DecisionForm
from app.moderation.links import item_link
from app.services.account_mail import queue_email_verification, user_from_verification_token
from app.services.claims import approve_proven_claims


@bp.route("/verifier-adresse", methods=["GET", "POST"])
@login_required
@limiter.limit("3 per minute", methods=["POST"])
def verify_email_request():
    form = DecisionForm()
    user = current_user._get_current_object()
    if form.validate_on_submit() and user.email_verified_at is None:
        queue_email_verification(db.session, user)
        flash(f"Un lien de confirmation est envoyé à {user.email} : ouvrez-le pour "
              "confirmer votre adresse.", "info")
        return redirect(url_for("organisations.mine"))
    return render_template("auth/verify_email.html", form=form, user=user, token=None)


@bp.route("/adresse-verifiee/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def verify_email(token: str):
    """GET shows a confirmation button (reading a page never writes); POST verifies."""
    user = user_from_verification_token(db.session, token)
    if user is None:
        return render_template("auth/verify_invalid.html"), 400
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_template("auth/verify_email.html", form=form, user=user, token=token)
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    approved = approve_proven_claims(db.session, user, item_link)
    flash("Votre adresse e-mail est confirmée.", "success")
    for organisation in approved:
        flash(f"Vous êtes maintenant responsable de « {organisation.name} ».", "success")
    return redirect(url_for("organisations.mine"))
