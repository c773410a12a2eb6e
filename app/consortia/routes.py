"""Groupements: proposals for a tender, forming one, invitations, roles and lots, status, export.

Thin views: the rules live in app/services/consortia/. A groupement that the user may not
see answers 404 everywhere (its existence stays hidden); a visible one answers 403 to actions
the user's organisation may not take.
"""

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from app.access import acting_organisation, current_viewer, get_or_404, is_member, require_member
from app.consortia import bp
from app.consortia.access import founder_choices, get_consortium, get_member, manager_organisation
from app.consortia.forms import InviteForm, MemberForm, NewConsortiumForm, ProposalForm
from app.extensions import db
from app.forms import apply_errors
from app.organisations.formkit import submit
from app.services.consortia import lifecycle
from app.services.consortia.export import export_rows, lot_holders, ordered_members, to_csv
from app.services.consortia.formation import (
    INVITATIONS,
    ROLES,
    STATUSES,
    can_manage,
    create_empty,
    create_from_proposal,
    for_organisations,
    invite_proposal,
)
from app.services.consortia.proposals import (
    CHAIN_TEMPLATES,
    MEMBER_KINDS,
    composition,
    find_proposal,
    propose,
)
from app.services.consortia.rules import explain
from app.transaction import try_write
from models import Organisation, Posting, ValidationError


@bp.context_processor
def vocabulary() -> dict:
    return {"consortium_roles": ROLES, "consortium_statuses": STATUSES,
            "invitation_statuses": INVITATIONS, "composition": composition}


def _open_need(posting_id: int) -> Posting:
    posting = get_or_404(Posting, posting_id)
    if posting.direction != "need" or posting.status != "published":
        abort(404)
    return posting


def _proposals(posting: Posting, args):
    return propose(db.session, posting, args.get("chaine") or None, args.get("reseau") or None)


@bp.get("/proposer/<int:posting_id>")
@login_required
def proposals(posting_id: int):
    posting = _open_need(posting_id)
    networks = db.session.scalars(select(Organisation.name).where(
        Organisation.kind == "network").order_by(Organisation.name)).all()
    context = dict(proposals=_proposals(posting, request.args), posting=posting,
                   chains=CHAIN_TEMPLATES.values(), networks=networks,
                   is_buyer=is_member(posting.organisation_id),
                   acting=founder_choices())
    template = ("partials/consortium_proposals.html" if request.headers.get("HX-Request")
                else "consortia/proposals.html")
    return render_template(template, **context)


def _chosen_proposal(posting: Posting, form: ProposalForm):
    found = _proposals(posting, {"chaine": form.chaine.data, "reseau": form.reseau.data})
    proposal = find_proposal(found, form.index.data or 0, form.composition.data or "")
    if proposal is None:
        flash("Les propositions ont changé depuis l'affichage : choisissez à nouveau.", "error")
    return found, proposal


def _back_to_proposals(posting: Posting, form: ProposalForm):
    args = {k: v for k, v in (("chaine", form.chaine.data), ("reseau", form.reseau.data)) if v}
    return redirect(url_for(".proposals", posting_id=posting.id, **args))


@bp.post("/proposer/<int:posting_id>/former")
@login_required
def form_proposal(posting_id: int):
    posting = _open_need(posting_id)
    form = ProposalForm()
    form.set_organisations(founder_choices())
    founder = acting_organisation(form.organisation_id.data)
    found, proposal = _chosen_proposal(posting, form)
    if proposal is None:
        return _back_to_proposals(posting, form)
    try:
        consortium = create_from_proposal(db.session, found, proposal, founder)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_proposals(posting, form)
    flash("Groupement créé : les autres membres sont invités.", "success")
    return redirect(url_for(".show", id=consortium.id))


@bp.post("/proposer/<int:posting_id>/inviter")
@login_required
def invite_proposed(posting_id: int):
    posting = _open_need(posting_id)
    require_member(posting.organisation_id)
    form = ProposalForm()
    found, proposal = _chosen_proposal(posting, form)
    if proposal is not None:
        count = invite_proposal(db.session, found, proposal)
        flash(f"{count} organisations invitées à candidater ensemble.", "success")
    return _back_to_proposals(posting, form)


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new():
    posting = _open_need(request.values.get("posting_id", 0, type=int))
    organisations = founder_choices()
    if not organisations:
        abort(403)
    form = NewConsortiumForm(posting_id=posting.id)
    form.set_organisations(organisations)
    saved, consortium = submit(form, lambda: create_empty(
        db.session, posting, acting_organisation(form.organisation_id.data),
        form.name.data or ""))
    if not saved:
        return render_template("consortia/new.html", form=form, posting=posting)
    flash("Groupement créé : invitez ses membres.", "success")
    return redirect(url_for(".show", id=consortium.id))


@bp.get("/")
@login_required
def index():
    consortia = for_organisations(db.session, set(current_viewer().organisation_ids))
    return render_template("consortia/index.html", consortia=consortia)


@bp.get("/<int:id>")
@login_required
def show(id: int):
    return _page(get_consortium(id))


def _page(consortium, invite_form: InviteForm | None = None):
    """The groupement's page; a refused invitation keeps what was typed, its error next to it."""
    manager = can_manage(consortium, current_viewer())
    forms = {}
    if manager and consortium.status == "forming":
        forms = {m.id: _member_form(consortium, m) for m in consortium.members}
    mine = current_viewer().organisation_ids
    return render_template(
        "consortia/show.html", consortium=consortium, members=ordered_members(consortium),
        member_forms=forms, invite_form=invite_form or InviteForm(formdata=None),
        manager=manager,
        my_invitations=[m for m in consortium.members
                        if m.organisation_id in mine and m.invitation_status == "invited"],
        errors=lifecycle.completeness_errors(consortium), explanation=explain(consortium),
        invitable=_invitable(consortium) if forms else [])


def _member_form(consortium, member) -> MemberForm:
    form = MemberForm(prefix=f"m{member.id}", role=member.role, lots=member.lot_numbers)
    form.set_lots(consortium.posting.lots if consortium.posting else [])
    return form


def _invitable(consortium) -> list[Organisation]:
    """Organisations offered in the invite field's list (the field also takes a SIRET or id)."""
    taken = {m.organisation_id for m in consortium.members}
    rows = db.session.scalars(select(Organisation).where(
        Organisation.kind.in_(MEMBER_KINDS)).order_by(Organisation.name))
    return [o for o in rows if o.id not in taken]


def _apply(consortium, action: Callable[[], object], success: str):
    """Run a service action; French errors are flashed (a forbidden one answers 403)."""
    if try_write(action):
        flash(success, "success")
    return redirect(url_for(".show", id=consortium.id))


@bp.post("/<int:id>/inviter")
@login_required
def invite(id: int):
    consortium = get_consortium(id)
    form = InviteForm()
    if form.validate():
        invitee = lifecycle.find_organisation(db.session, form.organisation.data)
        try:
            lifecycle.invite(db.session, consortium, invitee, current_viewer(),
                             manager_organisation(consortium), form.role.data)
        except ValidationError as error:
            db.session.rollback()
            if error.field not in ("organisation", "role"):  # e.g. no longer forming
                flash(error.message, "error")
                return redirect(url_for(".show", id=id))
            apply_errors(form, error)
        else:
            flash("Invitation envoyée.", "success")
            return redirect(url_for(".show", id=id))
    return _page(consortium, form)


@bp.post("/<int:id>/membres/<int:member_id>")
@login_required
def set_member(id: int, member_id: int):
    consortium = get_consortium(id)
    member = get_member(consortium, member_id)
    form = _member_form(consortium, member)
    return _apply(consortium, lambda: lifecycle.set_member(
        db.session, consortium, member, form.role.data, form.lots.data or [], current_viewer()),
        f"Rôle et lots de {member.organisation.name} enregistrés.")


@bp.post("/<int:id>/membres/<int:member_id>/retirer")
@login_required
def remove_member(id: int, member_id: int):
    consortium = get_consortium(id)
    member = get_member(consortium, member_id)
    name = member.organisation.name
    return _apply(consortium, lambda: lifecycle.remove_member(
        db.session, consortium, member, current_viewer()), f"{name} a été retiré du groupement.")


@bp.post("/<int:id>/reponse")
@login_required
def answer(id: int):
    consortium = get_consortium(id)
    accept = request.form.get("decision") == "accepter"
    organisation_id = request.form.get("organisation_id", 0, type=int)
    return _apply(consortium, lambda: lifecycle.answer(
        db.session, consortium, organisation_id, accept, current_viewer()),
        "Invitation acceptée." if accept else "Invitation déclinée.")


STATUS_ACTIONS = {
    "complet": (lifecycle.mark_complete, "Groupement déclaré complet."),
    "deposer": (lifecycle.submit, "Candidature déposée : l'acheteur est prévenu."),
    "rouvrir": (lifecycle.reopen, "Groupement rouvert : vous pouvez le modifier."),
}


@bp.post("/<int:id>/statut/<action>")
@login_required
def change_status(id: int, action: str):
    consortium = get_consortium(id)
    if action not in STATUS_ACTIONS:
        abort(404)
    change, success = STATUS_ACTIONS[action]
    return _apply(consortium, lambda: change(db.session, consortium, current_viewer()), success)


@bp.get("/<int:id>/export.csv")
@login_required
def export_csv(id: int):
    consortium = get_consortium(id)
    return Response(to_csv(export_rows(consortium)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="groupement-{consortium.id}.csv"'})


@bp.get("/<int:id>/imprimer")
@login_required
def printable(id: int):
    consortium = get_consortium(id)
    return render_template("consortia/print.html", consortium=consortium,
                           members=ordered_members(consortium), explanation=explain(consortium),
                           lot_holders=lot_holders(consortium))
