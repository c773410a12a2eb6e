"""Close expired postings at most once per interval, on the first request after it elapses.

`flask expire-postings` (cron) is the main path; this hook keeps a small install without cron
correct too. Interval: EXPIRY_INTERVAL_SECONDS (default one hour; 0 disables the hook).
"""

import logging
import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.publishing import bp
from app.services.expiry import expire_past_deadlines

log = logging.getLogger(__name__)
STAMP_KEY = "essaim.expiry_checked_at"


@bp.before_app_request
def expire_hourly() -> None:
    interval = current_app.config.get("EXPIRY_INTERVAL_SECONDS", 3600)
    last = current_app.extensions.get(STAMP_KEY)
    now = time.monotonic()
    if not interval or (last is not None and now - last < interval):
        return
    current_app.extensions[STAMP_KEY] = now
    try:
        if expire_past_deadlines(db.session):
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("closing expired postings failed")
