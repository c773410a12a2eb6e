"""One CPV suggester per process, trained lazily and cached under the instance folder.

Training on the repository's DECP and the CPV labels takes 5 to 30 s and the fitted model
weighs about 76 MB: it is saved once as instance/cpv_model.joblib (never in git) and loaded
by every later process. `flask train-cpv` retrains it. A lock makes sure two requests arriving
together train it only once; suggesting is read-only, hence safe from any thread.
"""

import logging
import os
import threading
from pathlib import Path

from matching.cpv import CpvSuggester, CpvSuggestion
from models.reference_data import DATA_DIR

MODEL_FILE = "cpv_model.joblib"
MIN_TEXT_LENGTH = 3
MAX_TEXT_LENGTH = 2000

_lock = threading.Lock()
_model: CpvSuggester | None = None
log = logging.getLogger(__name__)


def model_path(instance_dir: Path | str) -> Path:
    return Path(instance_dir) / MODEL_FILE


def train(instance_dir: Path | str, data_dir: Path = DATA_DIR) -> CpvSuggester:
    """Fit on data_dir and save atomically (a reader never sees half a file)."""
    model = CpvSuggester.train_default(data_dir)
    path = model_path(instance_dir)
    partial = path.with_suffix(".joblib.tmp")
    model.save(partial)
    os.replace(partial, path)
    return model


def _load_or_train(instance_dir: Path | str, data_dir: Path) -> CpvSuggester:
    path = model_path(instance_dir)
    if path.exists():
        try:
            return CpvSuggester.load(path)
        except Exception:  # a corrupt or incompatible file: retrain rather than fail a request
            log.warning("CPV model %s unreadable: retraining", path, exc_info=True)
    return train(instance_dir, data_dir)


def get_suggester(instance_dir: Path | str, data_dir: Path = DATA_DIR) -> CpvSuggester:
    """The process-wide suggester: loaded from the instance folder, or trained on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load_or_train(instance_dir, data_dir)
    return _model


def retrain(instance_dir: Path | str, data_dir: Path = DATA_DIR) -> CpvSuggester:
    """Train again, save, and serve the new model from now on."""
    global _model
    with _lock:
        _model = train(instance_dir, data_dir)
    return _model


def set_suggester(model: CpvSuggester | None) -> None:
    """Install a fitted suggester (tests), or None to load or train again on next use."""
    global _model
    with _lock:
        _model = model


def clean_text(text: str | None) -> str | None:
    """The text to classify, or None when it is too short to mean anything."""
    text = " ".join((text or "").split())[:MAX_TEXT_LENGTH]
    return text if len(text) >= MIN_TEXT_LENGTH else None


def suggest_cpv(text: str, instance_dir: Path | str, k: int = 5) -> list[CpvSuggestion]:
    return get_suggester(instance_dir).suggest(text, k)
