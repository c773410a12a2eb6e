"""One search box over organisations and postings, live with htmx, shareable URLs."""

from flask import current_app, request

from app.extensions import db, limiter
from app.htmx import render_filtered
from app.search import bp
from app.search.forms import SearchForm
from app.services.directory import reference_choices
from app.services.search import SearchQuery, run_search


def _query(form: SearchForm) -> SearchQuery:
    return SearchQuery(
        text=form.value(form.q), scope=form.choice("sur") or "organisations",
        filieres=[f for f in [form.choice("filiere")] if f],
        commune=form.choice("commune") or "", legal_form=form.choice("forme") or "",
        flags=[flag for flag in ("esus", "siae", "ea_esat", "qpv") if form[flag].data],
        posting_type=form.choice("type") or "", direction=form.choice("sens") or "",
        status=form.choice("statut") or "open",
        page=max(1, request.args.get("page", 1, type=int)),
    )


@bp.get("/")
@limiter.limit("60 per minute")
def index():
    form = SearchForm.from_args(request.args, reference_choices(db.session))
    query = _query(form)
    page = run_search(db.session, query, current_app.config["PAGE_SIZE"])
    return render_filtered("search/index.html", "search/results.html",
                           form=form, page=page, query=query, args=form.query_args())
