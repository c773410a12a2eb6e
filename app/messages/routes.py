from app.messages import bp  # noqa: F401
