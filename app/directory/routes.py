from flask import current_app, render_template, request

from app.access import current_viewer
from app.directory import bp
from app.directory.forms import OrganisationFilterForm
from app.extensions import db
from app.htmx import render_filtered
from app.services.audit import FIELD_LABELS, audit_log
from app.services.directory import get_organisation, reference_choices, search_organisations
from app.services.impact import impact_of
from app.services.moderation import has_members
from app.services.postings import published_postings_of
from app.services.references import references_for


@bp.get("/")
def index():
    form = OrganisationFilterForm.from_args(request.args, reference_choices(db.session))
    page = search_organisations(db.session, form.filters(), request.args.get("page", 1, type=int),
                                current_app.config["PAGE_SIZE"])
    return render_filtered("directory/index.html", "partials/organisation_list.html",
                           form=form, page=page, args=form.query_args())


@bp.get("/<int:id>")
def show(id: int):
    organisation = get_organisation(db.session, id)
    postings = published_postings_of(db.session, organisation.id)
    animator = current_viewer().animator
    return render_template("directory/show.html", organisation=organisation, postings=postings,
                           references=references_for(db.session, organisation),
                           impact=impact_of(db.session, organisation),
                           reachable=has_members(db.session, organisation.id),
                           audit=audit_log(db.session, organisation.id) if animator else None,
                           field_labels=FIELD_LABELS)
