"""Flask extensions, created unbound here and bound in create_app()."""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import Session, scoped_session

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
