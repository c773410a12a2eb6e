"""Needs and offers: public reads; creating, editing, publishing and closing one's own
postings with a `write` token, through the same services as the publishing pages."""

from decimal import Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access import get_or_404
from app.api.auth import current_token, token_required
from app.api.base import api_blueprint, writes
from app.api.errors import ApiErrorSchema
from app.api.matches import MatchPage, match_page
from app.api.pagination import envelope
from app.api.schemas import CloseIn, PageArgs, PostingArgs, PostingIn, PostingOut, PostingPage
from app.extensions import db
from app.services.matching import visible_matches
from app.services.postings import PostingFilters, get_posting, search_postings
from app.services.publishing import (
    LotData,
    PostingData,
    close_posting,
    publish_posting,
    save_posting,
)
from models import NotAllowed, Posting, ValidationError

blp = api_blueprint("api_postings", "/postings", "Besoins et offres")
CENT = Decimal("0.01")


def _amount(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT)


def posting_data(body: dict) -> PostingData:
    """The API body as the publishing service takes it."""
    title = body["title"].strip()
    if not title:
        raise ValidationError("Le titre est obligatoire.", "title")
    return PostingData(
        direction=body["direction"], type=body["type"], title=title,
        commune_insee=body["commune_insee"].strip(), description=body["description"].strip(),
        max_km=body["max_km"], budget_min=_amount(body["budget_min"]),
        budget_max=_amount(body["budget_max"]), deadline=body["deadline"],
        reserved=body["reserved"], insertion_hours=body["insertion_hours"],
        filiere_ids=body["filiere_ids"], lever_ids=body["lever_ids"],
        cpv_codes=", ".join(body["cpv_codes"]),
        lots=[LotData(lot["title"].strip(), lot["description"].strip(),
                      _amount(lot["estimated_amount"])) for lot in body["lots"]])


def with_details(postings: list[Posting]) -> list[Posting]:
    """Load the levers, CPV codes and lots of a page in three queries, not three per row."""
    if postings:
        list(db.session.scalars(select(Posting).where(Posting.id.in_([p.id for p in postings]))
                                .options(selectinload(Posting.levers),
                                         selectinload(Posting.cpv_codes),
                                         selectinload(Posting.lots))))
    return postings


def own_posting(posting_id: int, for_update: bool = False) -> Posting:
    """A posting of the token's organisation: 404 when unknown (or another's draft), 403
    when it belongs to another organisation."""
    posting = get_or_404(Posting, posting_id, for_update=for_update)
    if posting.organisation_id != current_token().organisation_id:
        if posting.status == "draft":
            abort(404)
        raise NotAllowed("Cette annonce appartient à une autre organisation.")
    return posting


@blp.route("/", methods=["GET"])
@blp.arguments(PostingArgs, location="query")
@blp.response(200, PostingPage)
def index(args):
    """Published needs (or offers) matching every filter, newest first"""
    filters = PostingFilters(
        direction=args["direction"], q=args["q"], type=args.get("type"),
        filiere=args.get("filiere"), lever=args.get("lever"), commune=args.get("commune"),
        reserved=args.get("reserved"), open_only=args["open_only"])
    page = search_postings(db.session, filters, args["page"], args["per_page"])
    with_details(page.items)
    return envelope(page)


@blp.route("/<int:posting_id>", methods=["GET"])
@blp.response(200, PostingOut)
@blp.alt_response(404, schema=ApiErrorSchema, description="Annonce inconnue")
def show(posting_id: int):
    """One posting (drafts only with a token of their organisation)"""
    token = current_token()
    return get_posting(db.session, posting_id,
                       lambda org_id: token is not None and token.organisation_id == org_id)


@blp.route("/", methods=["POST"])
@writes(blp, on_posting=False)
@blp.arguments(PostingIn)
@blp.response(201, PostingOut)
def create(body):
    """Create a posting of the token's organisation (a draft, or published at once)"""
    return save_posting(db.session, current_token().organisation, posting_data(body),
                        publish=body["publish"])


@blp.route("/<int:posting_id>", methods=["PUT"])
@writes(blp)
@blp.arguments(PostingIn)
@blp.response(200, PostingOut)
def update(body, posting_id: int):
    """Replace an own posting's fields (`publish` publishes a draft)"""
    posting = own_posting(posting_id, for_update=True)
    return save_posting(db.session, posting.organisation, posting_data(body), posting=posting,
                        publish=body["publish"])


@blp.route("/<int:posting_id>/publish", methods=["POST"])
@writes(blp)
@blp.response(200, PostingOut)
@blp.alt_response(422, schema=ApiErrorSchema, description="Règle refusée")
def publish(posting_id: int):
    """Publish an own draft"""
    posting = own_posting(posting_id, for_update=True)
    publish_posting(db.session, posting)
    return posting


@blp.route("/<int:posting_id>/close", methods=["POST"])
@writes(blp)
@blp.arguments(CloseIn)
@blp.response(200, PostingOut)
def close(body, posting_id: int):
    """Close an own published posting as awarded or cancelled"""
    posting = own_posting(posting_id, for_update=True)
    close_posting(db.session, posting, body["reason"])
    return posting


@blp.route("/<int:posting_id>/suggestions", methods=["GET"])
@token_required(blp, "read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, MatchPage)
@blp.alt_response(404, schema=ApiErrorSchema, description="Annonce inconnue")
def suggestions(args, posting_id: int):
    """Stored, explained suggestions for an own need, best first"""
    posting = own_posting(posting_id)
    if posting.direction != "need":
        raise ValidationError("Les suggestions portent sur un besoin, pas sur une offre.")
    return match_page(visible_matches(db.session, posting), args)
