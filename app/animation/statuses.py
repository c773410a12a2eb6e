"""Status validation queue: the declared SIAE, EA/ESAT and ESUS statuses an animator checks
and validates or refuses with a note (rules in app/services/statuses.py)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from app.access import current_viewer, get_or_404
from app.animation import bp
from app.extensions import db
from app.services import statuses as status_service
from app.services.statuses import NOTE_MAX
from models import Organisation, ValidationError
from models.organisation import STATUS_KINDS, STATUS_LABELS


class StatusDecisionForm(FlaskForm):
    decision = HiddenField(validators=[
        AnyOf(["valider", "refuser"], message="Choisissez valider ou refuser.")])
    note = TextAreaField("Note (ce que vous avez vérifié)", validators=[
        DataRequired("Indiquez ce que vous avez vérifié (pièce, source, échange)."),
        Length(max=NOTE_MAX, message=f"La note fait {NOTE_MAX} caractères au plus.")])


def require_animator() -> None:
    if not current_viewer().animator:
        abort(403)


@bp.get("/statuts")
@login_required
def statuses():
    require_animator()
    return _queue()


def _queue(failed: dict | None = None, status: int = 200):
    """The queue; `failed` keeps the refused row's note and errors next to its field."""
    return render_template("animation/statuses.html", pending=status_service.pending(db.session),
                           form=StatusDecisionForm(formdata=None), failed=failed or {}), status


@bp.post("/statuts/<int:org_id>/<kind>")
@login_required
def decide_status(org_id: int, kind: str):
    require_animator()
    if kind not in STATUS_KINDS:
        abort(404)
    organisation = get_or_404(Organisation, org_id)
    form = StatusDecisionForm()
    accept = form.decision.data == "valider"
    errors = [] if form.validate() else [e for field in form for e in field.errors]
    if not errors:
        try:
            status_service.decide(db.session, organisation, kind, accept, form.note.data,
                                  current_viewer(), current_user.id)
        except ValidationError as error:
            db.session.rollback()
            errors = [error.message]
    if errors:
        return _queue({"key": f"{org_id}-{kind}", "note": form.note.data or "",
                       "errors": errors}, 400)
    verb = "validé" if accept else "refusé"
    flash(f"Statut {STATUS_LABELS[kind]} de {organisation.name} {verb}.", "success")
    return redirect(url_for(".statuses"))
