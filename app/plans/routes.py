"""Purchase-plan analysis for buyers: upload, report (« calcul en cours » until the job ran),
CSV export and printable page. Thin views: the use case is app/services/purchase_plan.py.

Only members of a public buyer may upload; a stored analysis is shown to the members of the
organisation that uploaded it and to nobody else (404 otherwise: its existence stays hidden).
"""

from pathlib import Path

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.access import acting_organisation, get_or_404, member_organisation_ids
from app.csvkit import csv_response, to_csv
from app.extensions import db
from app.plans import bp
from app.plans.forms import PlanUploadForm
from app.services import purchase_plan as plans
from app.services.plan_reader import MAX_BYTES, MAX_LINES, PlanFileError
from models import PurchasePlan

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "plan_achats_exemple.csv"
REFRESH_SECONDS = 3


def _buyer(organisation_id: int | None = None):
    """The acting organisation (made current when named) if it is a public buyer; else 403."""
    organisation = acting_organisation(organisation_id)
    if not plans.is_buyer(organisation):
        abort(403)
    return organisation


def _own_plan(plan_id: int) -> PurchasePlan:
    """The plan if the user is a member of the organisation that uploaded it, else 404."""
    plan = get_or_404(PurchasePlan, plan_id)
    if plan.organisation_id not in member_organisation_ids():
        abort(404)
    return plan


def _index(form: PlanUploadForm, organisation, file_error: PlanFileError | None = None,
           status: int = 200):
    return render_template("plans/index.html", form=form, organisation=organisation,
                           plans=plans.plans_of(db.session, organisation.id),
                           file_error=file_error, max_lines=MAX_LINES,
                           max_mb=MAX_BYTES // (1024 * 1024), rules=plans.rules()), status


@bp.get("/")
@login_required
def index():
    return _index(PlanUploadForm(), _buyer(request.args.get("organisation_id", type=int)))


@bp.post("/")
@login_required
def upload():
    organisation = _buyer()
    form = PlanUploadForm()
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        error = PlanFileError(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : "
                              f"découpez le plan en plusieurs fichiers.")
        return _index(form, organisation, error, 400)
    if not form.validate_on_submit():
        return _index(form, organisation, status=400)
    upload = form.fichier.data
    try:
        plan = plans.upload_plan(db.session, organisation, current_user.id,
                                 upload.read(MAX_BYTES + 1), upload.filename or "plan.csv")
    except PlanFileError as error:
        return _index(form, organisation, error, 400)
    return redirect(url_for("plans.show", id=plan.id), 303)


@bp.get("/exemple.csv")
@login_required
def sample():
    """The sample plan (real DECP subjects, data/samples/), to try the analysis."""
    return send_file(SAMPLE, mimetype="text/csv", as_attachment=True,
                     download_name="plan_achats_exemple.csv")


@bp.get("/<int:id>")
@login_required
def show(id: int):
    plan = _own_plan(id)
    if plan.result is None:  # pending, or failed
        return render_template("plans/pending.html", plan=plan, refresh=REFRESH_SECONDS)
    return render_template("plans/report.html", plan=plan, result=plan.result)


def _done(plan_id: int) -> PurchasePlan:
    plan = _own_plan(plan_id)
    if plan.result is None:
        return abort(redirect(url_for("plans.show", id=plan.id)))
    return plan


@bp.get("/<int:id>.csv")
@login_required
def export_csv(id: int):
    """Per-line analysis, then the summary by filière, in one CSV (a blank line between)."""
    plan = _done(id)
    lines = to_csv(plans.LINES_HEADER, plans.line_rows(plan.result))
    summary = to_csv(plans.SUMMARY_HEADER, plans.summary_rows(plan.result))
    return csv_response(lines + "\r\n" + summary.lstrip("\ufeff"),
                        f"analyse-plan-achats-{plan.id}.csv")


@bp.get("/<int:id>/imprimer")
@login_required
def printable(id: int):
    plan = _done(id)
    return render_template("plans/print.html", plan=plan, result=plan.result)


POTENTIAL_LABELS = {"fort": "Fort", "moyen": "Moyen", "faible": "Faible", "aucun": "Aucun"}


@bp.context_processor
def plan_vocabulary() -> dict:
    return {"plan_potentials": POTENTIAL_LABELS,
            "reservation_labels": plans.RESERVATION_LABELS}
