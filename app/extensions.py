"""Flask extensions, created unbound here and bound in create_app()."""

from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from models.session import make_engine, make_session_factory


@dataclass(frozen=True)
class BoundDatabase:
    engine: Engine
    factory: sessionmaker  # plain sessions: jobs and CLI commands own theirs
    sessions: scoped_session  # one per request (thread)


class Database:
    """Plain SQLAlchemy bound to each app (`app.extensions["essaim.db"]`, so that two apps in
    one process keep their own databases): one scoped session per request (no Flask in models).
    """

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        factory = make_session_factory(engine)
        bound = BoundDatabase(engine, factory, scoped_session(factory))
        app.extensions["essaim.db"] = bound
        app.teardown_appcontext(lambda _exc: bound.sessions.remove())

    @staticmethod
    def bound(app: Flask | None = None) -> BoundDatabase:
        return (app or current_app).extensions["essaim.db"]

    @property
    def engine(self) -> Engine:
        return self.bound().engine

    @property
    def factory(self) -> sessionmaker:
        return self.bound().factory

    @property
    def session(self) -> Session:
        return self.bound().sessions()


db = Database()
csrf = CSRFProtect()
htmx = Htmx()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def user_or_address() -> str:
    """Rate-limit key for signed-in actions: the user (whatever their address), else the IP."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def init_limiter(app: Flask) -> None:
    """Limits keyed on the client's address: behind PROXY_FIX_X_FOR trusted proxies, the one
    they saw (X-Forwarded-For); otherwise X-Forwarded-For is ignored, as anyone can send it."""
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0))
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    limiter.init_app(app)
