"""Session cookies that can be revoked: they carry the user's session version."""

import re

from app.extensions import db
from models import User

SESSION_ID = re.compile(r"([0-9]{1,18}):([0-9]{1,9})")


def load_user(session_id: str) -> User | None:
    """The user of a session cookie, unless logout, a new password or deactivation ended it."""
    match = SESSION_ID.fullmatch(session_id or "")
    if match is None:  # also cookies issued before session versions existed
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or user.session_version != int(match[2]) or not user.is_active:
        return None
    return user
