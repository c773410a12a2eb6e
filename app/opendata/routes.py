"""Open data: directory and needs exports, an organisation's own data, CPV suggestions."""

import re

from flask import current_app, jsonify, make_response, render_template, request, url_for
from flask_login import current_user

from app.access import get_or_404, require_member
from app.csvkit import csv_response
from app.directory.forms import OrganisationFilterForm
from app.extensions import db
from app.htmx import wants_partial
from app.opendata import bp
from app.services import exports
from app.services.cpv_suggestions import MIN_TEXT_LENGTH, clean_text, suggest_cpv
from app.services.directory import reference_choices
from models import Organisation

TARGET_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,40}$")
DEFAULT_TARGET = "cpv_codes"  # the CPV field of the publishing form
TOO_SHORT = f"Décrivez le besoin en au moins {MIN_TEXT_LENGTH} caractères."


@bp.get("/annuaire.csv")
def directory_csv():
    """The directory as CSV, with the same filters (and query string) as /annuaire/."""
    form = OrganisationFilterForm.from_args(request.args, reference_choices(db.session))
    animator = current_user.is_authenticated and current_user.is_animator
    body = exports.directory_csv(db.session, form.filters(), animator=animator)
    return csv_response(body, "annuaire-essaim.csv")


@bp.get("/organisations/<int:id>.csv")
def organisation_csv(id: int):
    """Everything Essaim holds about an organisation, for its members only."""
    require_member(id)
    organisation = get_or_404(Organisation, id)
    return csv_response(exports.organisation_csv(db.session, organisation),
                        f"essaim-organisation-{id}.csv")


@bp.get("/besoins.json")
def needs_json():
    """Open needs in the documented JSON shape (docs/opendata.md)."""
    document = exports.needs_document(
        db.session, lambda posting_id: url_for("postings.show", id=posting_id, _external=True))
    return jsonify(document)


def _target() -> str:
    target = request.args.get("cible", DEFAULT_TARGET)
    return target if TARGET_ID.match(target) else DEFAULT_TARGET


@bp.get("/cpv")
def cpv():
    """Top-5 CPV codes for a text: JSON, or the suggestions partial for htmx."""
    # `texte`, or the publishing form's own title and description (hx-include).
    text = clean_text(request.args.get("texte") or " ".join(
        request.args.get(name, "") for name in ("title", "description")))
    partial = wants_partial()
    if text is None and not partial:
        return jsonify(error=TOO_SHORT), 400
    suggestions = suggest_cpv(text, current_app.config["INSTANCE_DIR"]) if text else []
    if partial:
        response = make_response(render_template(
            "partials/cpv_suggestions.html", suggestions=suggestions, target=_target(),
            hint=None if text else TOO_SHORT))
    else:
        response = jsonify([{"code": s.code, "label": s.label_fr, "score": s.score}
                            for s in suggestions])
    response.vary.add("HX-Request")
    return response
