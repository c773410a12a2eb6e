"""Heavy work off the request path: one worker thread per process, with its own session.

The web request returns at once; pages show « calcul en cours » while `is_pending(key)`.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from sqlalchemy.orm import Session

from models.session import make_session_factory

log = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="essaim-jobs")
_pending: dict[str, Future] = {}
_lock = threading.RLock()


def submit(key: str, job: Callable[[Session], object], bind) -> None:
    """Run `job(session)` in the worker, once per key at a time (a queued duplicate is dropped)."""
    with _lock:
        if key in _pending and not _pending[key].running():
            return
        future = _executor.submit(_run, key, job, make_session_factory(bind))
        _pending[key] = future
        future.add_done_callback(lambda done: _forget(key, done))


def _forget(key: str, future: Future) -> None:
    with _lock:
        if _pending.get(key) is future:
            del _pending[key]


def _run(key: str, job: Callable[[Session], object], factory) -> None:
    try:
        with factory() as session:
            job(session)
    except Exception:  # a failed job must not kill the worker; it is logged
        log.exception("background job %s failed", key)


def is_pending(key: str) -> bool:
    with _lock:
        return key in _pending


def wait_all(timeout: float = 120) -> None:
    """Block until queued jobs are done (CLI commands and tests)."""
    with _lock:
        futures = list(_pending.values())
    wait(futures, timeout=timeout)
