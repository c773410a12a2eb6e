"""An organisation's API tokens, managed by its owners: create (the secret is shown once, in
the answer to the POST, never stored nor flashed), list, revoke."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.access import get_organisation
from app.extensions import db
from app.organisations import bp
from app.organisations.formkit import submit
from app.organisations.forms import ApiTokenForm
from app.services.api_tokens import create_token, revoke_token, tokens_of
from app.transaction import try_write


def _page(organisation, form, issued=None):
    response = make_response(render_template(
        "organisations/api_tokens.html", organisation=organisation, form=form, issued=issued,
        tokens=tokens_of(db.session, organisation.id)))
    response.headers["Cache-Control"] = "no-store"  # the page may carry a new secret
    return response


@bp.get("/<int:organisation_id>/api")
@login_required
def api_tokens(organisation_id: int):
    return _page(get_organisation(organisation_id, owner=True), ApiTokenForm())


@bp.post("/<int:organisation_id>/api/jetons")
@login_required
def create_api_token(organisation_id: int):
    organisation = get_organisation(organisation_id, owner=True)
    form = ApiTokenForm()
    saved, issued = submit(form, lambda: create_token(
        db.session, organisation, form.name.data or "", form.scopes.data or [],
        current_user._get_current_object()))
    if not saved:
        return _page(organisation, form)
    return _page(organisation, ApiTokenForm(formdata=None), issued=issued)


@bp.post("/<int:organisation_id>/api/jetons/<int:token_id>/revoquer")
@login_required
def revoke_api_token(organisation_id: int, token_id: int):
    organisation = get_organisation(organisation_id, owner=True)
    if try_write(lambda: revoke_token(db.session, organisation, token_id)):
        flash("Le jeton est révoqué : il ne donne plus accès à l'API.", "success")
    return redirect(url_for("organisations.api_tokens", organisation_id=organisation.id))
