"""Free-text search, CPV suggestions, the platform's figures and the caller's own token."""

from flask import current_app
from flask_smorest import abort

from app.api.auth import current_token, token_required
from app.api.base import HEAVY_LIMIT, api_blueprint, documented_limit, limit
from app.api.pagination import envelope
from app.api.schemas import CpvArgs, CpvOut, FiguresOut, MeOut, SearchArgs, SearchPage
from app.extensions import db
from app.services.cpv_suggestions import MIN_TEXT_LENGTH, clean_text, suggest_cpv
from app.services.search import Hit, SearchQuery, run_search
from app.services.stats import platform_stats
from models import Organisation

blp = api_blueprint("api_discovery", "", "Recherche, codes CPV, chiffres, jeton")


def hit_row(hit: Hit) -> dict:
    organisation = isinstance(hit.row, Organisation)
    return {"kind": "organisation" if organisation else "posting", "id": hit.row.id,
            "label": hit.row.name if organisation else hit.row.title,
            "score": hit.score, "explanation": hit.explanation}


@blp.route("/search", methods=["GET"])
@limit(HEAVY_LIMIT)
@documented_limit(blp, HEAVY_LIMIT)
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchPage)
def search(args):
    """Hybrid semantic search over organisations or open postings, explained"""
    query = SearchQuery(text=args["q"], page=args["page"],
                        scope="organisations" if args["scope"] == "organisations" else "annonces")
    page = run_search(db.session, query, args["per_page"])
    page.items = [hit_row(hit) for hit in page.items]
    return envelope(page)


@blp.route("/cpv", methods=["GET"])
@limit(HEAVY_LIMIT)
@documented_limit(blp, HEAVY_LIMIT)
@blp.arguments(CpvArgs, location="query")
@blp.response(200, CpvOut(many=True))
def cpv(args):
    """The five likeliest CPV codes for a text"""
    text = clean_text(args["text"])
    if text is None:
        abort(422, errors={"query": {"text": [
            f"Décrivez le besoin en au moins {MIN_TEXT_LENGTH} caractères."]}})
    return [{"code": s.code, "label": s.label_fr, "score": s.score}
            for s in suggest_cpv(text, current_app.config["INSTANCE_DIR"])]


@blp.route("/observatory", methods=["GET"])
@blp.response(200, FiguresOut)
def observatory():
    """The platform's headline figures (organisations, published needs and offers)"""
    figures = platform_stats(db.session)
    return {name: figures[name] for name in ("organisations", "needs", "offers")}


@blp.route("/me", methods=["GET"])
@token_required(blp, "read")
@blp.response(200, MeOut)
def me():
    """The calling token and its organisation"""
    token = current_token()
    return {"organisation": token.organisation, "token": token}
