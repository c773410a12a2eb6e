"""Onboarding: create an organisation, join one, edit its profile, manage its members."""

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.access import choose_organisation, current_organisation, get_or_404, get_organisation
from app.extensions import db, limiter
from app.organisations import bp
from app.organisations.formkit import submit
from app.organisations.forms import AlertForm, JoinForm, OrganisationForm
from app.services.directory import reference_choices
from app.services.memberships import (
    decide_request,
    members_of,
    memberships_of_user,
    request_to_join,
)
from app.services.moderation import JOIN_QUEUED, has_members
from app.services.organisations import (
    OrganisationData,
    find_by_siret,
    onboard_organisation,
    set_alert_preferences,
    update_organisation,
)
from app.transaction import try_write
from app.urls import safe_next
from models import Membership, Organisation
from models.validators import siret_error


def _taken_by(form: OrganisationForm) -> Organisation | None:
    """The organisation already holding the typed SIRET, to offer a request to join it."""
    siret = form.siret.data or ""
    if not form.siret.errors or siret_error(siret):
        return None
    return find_by_siret(db.session, siret)


@bp.get("/")
@login_required
def mine():
    memberships = memberships_of_user(db.session, current_user.id)
    return render_template("organisations/mine.html", memberships=memberships,
                           current=current_organisation())


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def create():
    form = OrganisationForm().with_choices(reference_choices(db.session))
    saved, organisation = submit(form, lambda: onboard_organisation(
        db.session, form.to_data(), current_user._get_current_object()))
    if not saved:
        return render_template("organisations/form.html", form=form, taken=_taken_by(form))
    choose_organisation(organisation.id)
    flash(f"L'organisation « {organisation.name} » est créée : vous en êtes responsable.",
          "success")
    return redirect(url_for("organisations.mine"))


@bp.route("/<int:organisation_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = get_organisation(organisation_id, owner=True)
    form = OrganisationForm(data=asdict(OrganisationData.from_organisation(organisation)))
    form.with_choices(reference_choices(db.session))
    saved, _ = submit(form, lambda: update_organisation(
        db.session, organisation, form.to_data(), current_user._get_current_object()))
    if not saved:
        return render_template("organisations/form.html", form=form, organisation=organisation)
    flash("Le profil est enregistré.", "success")
    return redirect(url_for("directory.show", id=organisation.id))


@bp.route("/<int:organisation_id>/alertes", methods=["GET", "POST"])
@login_required
def alerts(organisation_id: int):
    organisation = get_organisation(organisation_id, owner=True)
    form = AlertForm(obj=organisation).with_choices(reference_choices(db.session))
    saved, _ = submit(form, lambda: set_alert_preferences(
        db.session, organisation, form.alert_frequency.data, form.alert_filieres.data or []))
    if not saved:
        return render_template("organisations/alerts.html", form=form, organisation=organisation)
    flash("Vos préférences d'alerte sont enregistrées.", "success")
    return redirect(url_for("organisations.mine"))


@bp.get("/<int:organisation_id>/membres")
@login_required
def members(organisation_id: int):
    organisation = get_organisation(organisation_id, owner=True)
    return render_template("organisations/members.html", organisation=organisation,
                           memberships=members_of(db.session, organisation.id))


@bp.post("/<int:organisation_id>/membres/<int:membership_id>/<any(accepter, refuser):decision>")
@login_required
def decide(organisation_id: int, membership_id: int, decision: str):
    organisation = get_organisation(organisation_id, owner=True)
    membership = get_or_404(Membership, membership_id)
    if membership.organisation_id != organisation.id:
        abort(404)
    if try_write(lambda: decide_request(db.session, membership, accept=decision == "accepter")):
        flash("Demande acceptée." if decision == "accepter" else "Demande refusée.", "success")
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


@bp.route("/rejoindre", methods=["GET", "POST"])
@login_required
def find_to_join():
    form = JoinForm()
    if form.validate_on_submit():
        organisation = find_by_siret(db.session, form.siret.data)
        if organisation is not None:
            return redirect(url_for("organisations.join", organisation_id=organisation.id))
        form.siret.errors.append("Aucune organisation n'est enregistrée avec ce SIRET : "
                                 "vous pouvez la créer.")
    return render_template("organisations/find.html", form=form)


@bp.route("/<int:organisation_id>/rejoindre", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def join(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    reachable = has_members(db.session, organisation.id)
    if request.method == "GET":
        return render_template("organisations/join.html", organisation=organisation,
                               reachable=reachable)
    members_url = url_for("organisations.members", organisation_id=organisation.id)
    if try_write(lambda: request_to_join(db.session, current_user._get_current_object(),
                                         organisation, members_url), category="info"):
        flash(f"Votre demande a été envoyée aux responsables de « {organisation.name} »."
              if reachable else JOIN_QUEUED, "success")
    return redirect(url_for("organisations.mine"))


@bp.post("/courante")
@login_required
def switch():
    organisation = choose_organisation(request.form.get("organisation_id", type=int) or 0)
    flash(f"Vous agissez maintenant pour « {organisation.name} ».", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("organisations.mine"))
