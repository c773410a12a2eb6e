from app.directory import bp


@bp.get("/")
def index():
    return "Annuaire"
