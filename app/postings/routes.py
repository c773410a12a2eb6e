from flask import current_app, render_template, request

from app.access import is_member
from app.extensions import db
from app.htmx import render_filtered
from app.postings import bp
from app.postings.forms import PostingFilterForm
from app.services.directory import reference_choices
from app.services.follow_up import tender_follow_up
from app.services.postings import get_posting, search_postings
from app.services.references import awards_of


@bp.get("/")
def index():
    form = PostingFilterForm.from_args(request.args, reference_choices(db.session))
    page = search_postings(db.session, form.filters(), request.args.get("page", 1, type=int),
                           current_app.config["PAGE_SIZE"])
    return render_filtered("postings/index.html", "partials/posting_list.html",
                           form=form, page=page, args=form.query_args())


@bp.get("/<int:id>")
def show(id: int):
    posting = get_posting(db.session, id, is_member)
    owner_view = is_member(posting.organisation_id)
    follow_up = (tender_follow_up(db.session, posting)
                 if owner_view and posting.direction == "need" and posting.status != "draft"
                 else None)
    awards = awards_of(db.session, posting) if posting.close_reason == "awarded" else []
    return render_template("postings/show.html", posting=posting, owner_view=owner_view,
                           follow_up=follow_up, awards=awards)
