"""Flask extensions, created unbound here and bound in create_app()."""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import Session, scoped_session
from werkzeug.middleware.proxy_fix import ProxyFix

from models.session import make_engine, make_session_factory


class Database:
    """Plain SQLAlchemy bound to the app: one scoped session per request (no Flask in models)."""

    def __init__(self) -> None:
        self.engine = None
        self.factory = None  # plain sessions: jobs and CLI commands own theirs
        self._sessions: scoped_session | None = None

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.factory = make_session_factory(self.engine)
        self._sessions = scoped_session(self.factory)
        app.teardown_appcontext(lambda _exc: self._sessions.remove())

    @property
    def session(self) -> Session:
        return self._sessions()


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
