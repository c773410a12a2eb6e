"""Publishing needs and offers: create, edit, publish a draft, close; « Mes annonces »."""

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.access import acting_or_onboarding, get_owned_or_403
from app.extensions import db
from app.organisations.formkit import submit
from app.publishing import bp
from app.publishing.forms import CloseForm, PostingForm
from app.services.closing import candidates_of, close_with_outcome
from app.services.directory import reference_choices
from app.services.publishing import (
    PostingData,
    postings_of,
    publish_posting,
    save_posting,
)
from app.transaction import try_write
from models import Organisation, Posting


def own_posting(posting_id: int) -> Posting:
    """The posting, 404 when unknown, 403 unless the user is a member of its organisation.
    A write locks its row until the commit: simultaneous edits of one posting (and of its
    lots) run one after the other instead of interleaving."""
    return get_owned_or_403(Posting, posting_id, for_update=request.method == "POST")


def render_form(form: PostingForm, organisation: Organisation, posting: Posting | None = None):
    return render_template("publishing/form.html", form=form, organisation=organisation,
                           posting=posting)


@bp.get("/")
@login_required
def index():
    organisation = acting_or_onboarding(request.args.get("org_id", type=int))
    return render_template("publishing/index.html", organisation=organisation,
                           postings=postings_of(db.session, organisation.id))


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def create():
    organisation = acting_or_onboarding(request.args.get("org_id", type=int))
    form = PostingForm(direction=request.args.get("direction", "need"),
                       type=request.args.get("type", "tender"))
    form.with_choices(reference_choices(db.session))
    saved, posting = (False, None) if form.add_lot_row() else submit(form, lambda: save_posting(
        db.session, organisation, form.to_data(), publish=form.publish.data))
    if not saved:
        return render_form(form, organisation)
    flash("Annonce publiée." if posting.status == "published" else "Brouillon enregistré.",
          "success")
    return redirect(url_for("postings.show", id=posting.id))


@bp.route("/<int:posting_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(posting_id: int):
    posting = own_posting(posting_id)
    if posting.status == "closed":
        flash("Une annonce close ne peut plus être modifiée.", "info")
        return redirect(url_for("postings.show", id=posting.id))
    form = PostingForm(data=asdict(PostingData.from_posting(posting)))
    form.with_choices(reference_choices(db.session))
    saved, _ = (False, None) if form.add_lot_row() else submit(form, lambda: save_posting(
        db.session, posting.organisation, form.to_data(), posting, publish=form.publish.data))
    if not saved:
        return render_form(form, posting.organisation, posting)
    flash("Annonce enregistrée.", "success")
    return redirect(url_for("postings.show", id=posting.id))


@bp.post("/<int:posting_id>/publier")
@login_required
def publish(posting_id: int):
    posting = own_posting(posting_id)
    if not try_write(lambda: publish_posting(db.session, posting),
                     prefix="Publication impossible : "):
        return redirect(url_for("publishing.edit", posting_id=posting.id))
    flash("Annonce publiée.", "success")
    return redirect(url_for("postings.show", id=posting.id))


@bp.route("/<int:posting_id>/cloturer", methods=["GET", "POST"])
@login_required
def close(posting_id: int):
    posting = own_posting(posting_id)
    if posting.status != "published":
        flash("Seule une annonce publiée peut être close.", "info")
        return redirect(url_for("postings.show", id=posting.id))
    candidates = candidates_of(db.session, posting)
    form = CloseForm().with_candidates(candidates)
    saved, awards = submit(form, lambda: close_with_outcome(
        db.session, posting, form.to_outcome(), current_user))
    if not saved:
        return render_template("publishing/close.html", form=form, posting=posting,
                               candidates=candidates)
    flash(f"Annonce close. {len(awards)} titulaire(s) enregistré(s) dans les références."
          if awards else "Annonce close.", "success")
    return redirect(url_for("postings.show", id=posting.id))
