"""Essaim's Flask application factory."""

from flask import Flask

from app.config import Config
from app.extensions import csrf, db, init_limiter, login_manager
from app.extensions import htmx as htmx_extension  # `app.htmx` is a module of this package
from models.session import ROOT

# One package per feature, each exposing `bp`.
BLUEPRINTS = ("main", "auth", "directory", "postings", "organisations", "publishing", "matches",
              "dashboard", "messages", "search", "consortia", "opendata", "ops",
              "observatory", "map", "plans", "animation", "moderation")


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
    register_infrastructure(app)
    register_security(app)
    register_blueprints(app)
    register_cli(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    htmx_extension.init_app(app)
    login_manager.init_app(app)
    init_limiter(app)
    from app.auth.sessions import load_user

    login_manager.user_loader(load_user)


def register_infrastructure(app: Flask) -> None:
    """Mail transport, this process's indexes and the job queue, in `app.extensions`."""
    from app.infra.jobs import Jobs, enqueue_after_commit, make_huey
    from app.infra.mail import Mailer
    from app.services.matching import build_indexes
    from app.services.reactions import JobContext
    from matching.encoder import get_encoder

    mailer = Mailer.from_config(app.config)
    index = build_indexes(lambda: get_encoder(app.config["ENCODER"], app.config["ENCODER_MODEL"]),
                          app.config["INDEX_CHECK_INTERVAL"], app.config["RANKER_FILE"])
    factory = db.bound(app).factory
    jobs = Jobs(app, make_huey(app.config), factory, JobContext(mailer, index),
                eager=app.config["JOBS_EAGER"])
    enqueue_after_commit(app, factory, jobs)
    app.extensions.update({"essaim.mail": mailer, "essaim.index": index, "essaim.jobs": jobs})


def register_security(app: Flask) -> None:
    """Bounded ids (before the routes are added), security headers, request logs."""
    from app.converters import register_converters
    from app.security import register_security as register_headers

    register_converters(app)
    register_headers(app)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f"app.{name}").bp)
    from app.api import init_api  # flask-smorest registers the API's blueprints itself

    init_api(app)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.formatting import register

    register(app)
