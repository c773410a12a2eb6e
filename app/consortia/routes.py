from app.consortia import bp  # noqa: F401
