"""One search box over organisations and postings, live with htmx, shareable URLs."""

from flask import current_app, render_template, request

from app.extensions import db
from app.search import bp
from app.search.forms import SearchForm
from app.services.search import SearchQuery, run_search


def _query(form: SearchForm) -> SearchQuery:
    return SearchQuery(
        text=form.q.data or "", scope=form.sur.data or "organisations",
        filieres=[form.filiere.data] if form.filiere.data else [],
        commune=form.commune.data or "", legal_form=form.forme.data or "",
        flags=form.drapeaux.data or [], posting_type=form.type.data or "",
        direction=form.sens.data or "", status=form.statut.data or "open",
        page=request.args.get("page", 1, type=int),
    )


@bp.get("/")
def index():
    form = SearchForm(request.args)
    form.load_choices(db.session)
    valid = form.validate()
    query = _query(form) if valid else SearchQuery()
    page = run_search(db.session, query, current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    args["drapeaux"] = request.args.getlist("drapeaux")
    template = "partials/search_results.html" if request.headers.get("HX-Request") else "search/index.html"
    return render_template(template, form=form, page=page, query=query, args=args)
