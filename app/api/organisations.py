"""Organisations of the directory (public data)."""

from app.api.base import api_blueprint
from app.api.errors import ApiErrorSchema
from app.api.pagination import envelope
from app.api.schemas import OrganisationArgs, OrganisationOut, OrganisationPage
from app.extensions import db
from app.services.directory import OrganisationFilters, get_organisation, search_organisations

blp = api_blueprint("api_organisations", "/organisations", "Annuaire des organisations")


@blp.route("/", methods=["GET"])
@blp.arguments(OrganisationArgs, location="query")
@blp.response(200, OrganisationPage)
def index(args):
    """Organisations matching every filter, by name"""
    filters = OrganisationFilters(
        q=args["q"], filiere=args.get("filiere"), commune=args.get("commune"),
        legal_form=args.get("legal_form"), kind=args.get("kind"), flags=tuple(args["flag"]))
    return envelope(search_organisations(db.session, filters, args["page"], args["per_page"]))


@blp.route("/<int:organisation_id>", methods=["GET"])
@blp.response(200, OrganisationOut)
@blp.alt_response(404, schema=ApiErrorSchema, description="Organisation inconnue")
def show(organisation_id: int):
    """One organisation"""
    return get_organisation(db.session, organisation_id)
