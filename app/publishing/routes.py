from app.publishing import bp  # noqa: F401
