from app.organisations import bp  # noqa: F401
