"""Essaim's Flask application factory."""

from flask import Flask

from app.config import Config
from app.extensions import csrf, db, htmx, limiter, login_manager
from models.session import ROOT


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error handlers."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config())
    if test_config:
        app.config.update(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        from models import User

        return db.session.get(User, int(user_id))


def register_blueprints(app: Flask) -> None:
    from app.auth import bp as auth_bp
    from app.directory import bp as directory_bp
    from app.main import bp as main_bp
    from app.postings import bp as postings_bp

    for blueprint in (main_bp, auth_bp, directory_bp, postings_bp):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.formatting import register

    register(app)
