"""Configuration from the environment, in one place."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from models.session import ROOT, database_url

INSTANCE_DIR = Path(os.environ.get("ESSAIM_INSTANCE_DIR", ROOT / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once per instance (never in git)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _cookie_secure(base_url: str) -> bool:
    """Secure session cookie unless SESSION_COOKIE_SECURE=0, or plain HTTP on this machine.

    `make run` serves http://127.0.0.1:5000, where a Secure cookie would never come back.
    """
    if os.environ.get("SESSION_COOKIE_SECURE") in ("0", "1"):
        return os.environ["SESSION_COOKIE_SECURE"] == "1"
    url = urlsplit(base_url)
    return not (url.scheme == "http" and url.hostname in LOOPBACK_HOSTS)


def _ratelimit_storage() -> str:
    """Rate-limit counters shared by every process through Redis when there is one."""
    return (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
            or "memory://")


class Config:
    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.DATABASE_URL = database_url()
        self.INSTANCE_DIR = str(INSTANCE_DIR)
        self.WTF_CSRF_TIME_LIMIT = None
        # Bodies are refused (413) before anything reads them: uploads are plans of 2 MB at most.
        self.MAX_CONTENT_LENGTH = 4 * 1024 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
        self.SESSION_COOKIE_SECURE = _cookie_secure(self.BASE_URL)
        self.RATELIMIT_STORAGE_URI = _ratelimit_storage()
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: limit per process, no 500
        # Number of trusted reverse proxies in front of the app (their X-Forwarded-For is used).
        self.PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "")
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
        self.SMTP_USER = os.environ.get("SMTP_USER", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Essaim <noreply@essaim.local>")
        self.MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
        self.PAGE_SIZE = int(os.environ.get("ESSAIM_PAGE_SIZE", "20"))
        self.ENCODER = os.environ.get("ESSAIM_ENCODER", "e5")
        self.ENCODER_MODEL = os.environ.get("ESSAIM_MODEL") or None
        # Job queue: Redis when REDIS_URL is set, else a SQLite file (no server to run).
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.JOBS_DB = os.environ.get("ESSAIM_JOBS_DB", str(INSTANCE_DIR / "jobs.db"))
        self.JOBS_EAGER = os.environ.get("ESSAIM_JOBS_EAGER") == "1"  # tests
        # How often a process looks at the change log for other processes' changes.
        self.INDEX_CHECK_INTERVAL = float(os.environ.get("ESSAIM_INDEX_CHECK_INTERVAL", "1.0"))
        # Map tiles URL template ({z}/{x}/{y}); none by default: the map's offline background.
        self.MAP_TILES = os.environ.get("ESSAIM_MAP_TILES", "")
        self.MAP_ATTRIBUTION = os.environ.get("ESSAIM_MAP_ATTRIBUTION", "")
        # The ranker `flask train-ranker` writes; absent, the shipped one (matching/data/).
        self.RANKER_FILE = os.environ.get("ESSAIM_RANKER_FILE", str(INSTANCE_DIR / "ranker.json"))
