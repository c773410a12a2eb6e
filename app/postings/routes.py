from app.postings import bp


@bp.get("/")
def index():
    return "Annonces"
