from app.opendata import bp  # noqa: F401
