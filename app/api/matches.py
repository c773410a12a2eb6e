"""The token's organisation's matches: the open needs it (or one of its offers) was
suggested for; and the shape shared with a need's suggestions."""

from app.api.auth import current_token, token_required
from app.api.base import api_blueprint
from app.api.pagination import envelope, page_of_list
from app.api.schemas import MatchPage, PageArgs
from app.extensions import db
from app.services.matching import opportunities_for
from models import Match

blp = api_blueprint("api_matches", "/matches", "Mises en relation de l'organisation du jeton")

__all__ = ["MatchPage", "blp", "match_page"]


def match_row(match: Match) -> dict:
    target = match.organisation or match.offer
    return {"id": match.id, "need_id": match.need_id, "need_title": match.need.title,
            "target_kind": "organisation" if match.organisation_id else "offer",
            "target_id": target.id,
            "target_name": target.name if match.organisation_id else target.title,
            "score": match.score, "explanation": match.explanation, "status": match.status}


def match_page(matches: list[Match], args: dict) -> dict:
    page = page_of_list(matches, args["page"], args["per_page"])
    page.items = [match_row(m) for m in page.items]
    return envelope(page)


@blp.route("/", methods=["GET"])
@token_required(blp, "read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, MatchPage)
def index(args):
    """Open needs for which the token's organisation was suggested, best first"""
    return match_page(opportunities_for(db.session, current_token().organisation), args)
