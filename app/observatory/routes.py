"""The public observatory: figures with their chart, data table and CSV; the animators' export."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user

from app.access import require_login
from app.csvkit import csv_response, to_csv
from app.extensions import db
from app.observatory import bp
from app.observatory.charts import chart_for
from app.services import observatory


@bp.get("/")
def index():
    figures = observatory.all_figures(db.session)
    return render_template("observatory/index.html", numbers=observatory.key_numbers(db.session),
                           labels_numbers=observatory.KEY_NUMBER_LABELS,
                           figures=[(figure, chart_for(figure)) for figure in figures])


@bp.get("/<key>.csv")
def figure_csv(key: str):
    """One figure's data table as CSV (the same rows as the page)."""
    figure = observatory.figure(db.session, key)
    if figure is None:
        abort(404)
    return csv_response(to_csv(figure.columns, figure.rows), f"essaim-{key}.csv")


@bp.get("/indicateurs.csv")
def indicators_csv():
    """Every indicator of the territory in one file, for the animators' reporting."""
    require_login()
    if not current_user.is_animator:
        abort(403)
    body = to_csv(observatory.EXPORT_HEADER, observatory.indicator_rows(db.session))
    return csv_response(body, f"essaim-indicateurs-{date.today().isoformat()}.csv")
