"""The map of organisations and open needs (Leaflet, served from this site)."""

from flask import current_app, jsonify, render_template, request, url_for

from app.directory.forms import OrganisationFilterForm
from app.extensions import db
from app.map import bp
from app.services import map_markers
from app.services.directory import reference_choices


def _layers() -> tuple[str, ...]:
    """Layers asked for by `couche` (both when none or only unknown ones are given)."""
    asked = tuple(layer for layer in request.args.getlist("couche")
                  if layer in map_markers.LAYERS)
    return asked or map_markers.LAYERS


@bp.get("/")
def index():
    form = OrganisationFilterForm.from_args(request.args, reference_choices(db.session))
    return render_template(
        "map/index.html", form=form, layers=_layers(),
        markers_url=url_for("map.markers", **request.args.to_dict(flat=False)),
        directory_url=url_for("directory.index", **form.query_args()),
        tiles=current_app.config.get("MAP_TILES", ""),
        attribution=current_app.config.get("MAP_ATTRIBUTION", ""),
        communes=map_markers.commune_points(db.session))


@bp.get("/marqueurs.json")
def markers():
    """GeoJSON of the organisations and open needs matching the directory's filters."""
    form = OrganisationFilterForm.from_args(request.args, reference_choices(db.session))
    return jsonify(map_markers.markers(
        db.session, form.filters(), _layers(),
        lambda id: url_for("directory.show", id=id), lambda id: url_for("postings.show", id=id)))
