"""Publishing needs and offers: create, edit, publish a draft, close; « Mes annonces »."""

from dataclasses import asdict

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.access import acting_or_onboarding, get_owned_or_403
from app.extensions import db
from app.organisations.formkit import submit
from app.publishing import bp
from app.publishing.forms import CloseForm, PostingForm
from app.services.closing import candidates_of, close_with_outcome
from app.services.directory import reference_choices
from app.services.filiere_suggestions import suggest_filieres
from app.services.publishing import (
    PostingData,
    posting_problems,
    postings_of,
    publish_posting,
    save_posting,
)
from app.transaction import try_write
from models import Organisation, Posting, ValidationError

NO_FILIERE = "Aucune filière choisie : sans filière, l'annonce n'alerte personne."


def own_posting(posting_id: int) -> Posting:
    """The posting, 404 when unknown, 403 unless the user is a member of its organisation.
    A write locks its row until the commit: simultaneous edits of one posting (and of its
    lots) run one after the other instead of interleaving."""
    return get_owned_or_403(Posting, posting_id, for_update=request.method == "POST")


def render_form(form: PostingForm, organisation: Organisation, posting: Posting | None = None):
    return render_template("publishing/form.html", form=form, organisation=organisation,
                           posting=posting)


def filiere_proposal(form: PostingForm) -> list[ValidationError]:
    """Publishing without a filière: once, tick the filières the text suggests and ask the
    author to confirm (a second « Publier » goes through, with or without them)."""
    if not form.publish.data or form.filiere_ids.data or form.filieres_confirmed.data == "1":
        return []
    form.filieres_confirmed.data = "1"
    proposed = suggest_filieres(form.title.data or "", form.description.data or "",
                                current_app.config["INSTANCE_DIR"])
    form.filiere_ids.data = proposed
    names = dict(form.filiere_ids.choices)
    if not proposed:
        return [ValidationError(f"{NO_FILIERE} Cochez au moins une filière, ou cliquez à "
                                "nouveau sur « Publier » pour publier sans filière.",
                                "filiere_ids")]
    return [ValidationError(
        f"{NO_FILIERE} D'après le texte, nous proposons : "
        f"{', '.join(names.get(f, f) for f in proposed)}. Vérifiez les cases cochées puis "
        "cliquez à nouveau sur « Publier ».", "filiere_ids")]


def write_posting(form: PostingForm, organisation: Organisation,
                  posting: Posting | None = None) -> tuple[bool, Posting | None]:
    """Validate everything at once (form fields, the service's rules, the filière proposal),
    then save."""
    publishing = bool(form.publish.data) or (posting is not None
                                             and posting.status == "published")

    def problems() -> list[ValidationError]:
        return (posting_problems(db.session, form.to_data(), publishing)
                + filiere_proposal(form))

    def write() -> Posting:
        proposal = filiere_proposal(form)
        if proposal:
            raise proposal[0]
        return save_posting(db.session, organisation, form.to_data(), posting,
                            publish=form.publish.data)

    return submit(form, write, problems)


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
    saved, posting = (False, None) if form.add_lot_row() else write_posting(form, organisation)
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
    saved, _ = (False, None) if form.add_lot_row() else write_posting(
        form, posting.organisation, posting)
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
