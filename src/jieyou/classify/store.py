"""Where models live: the one shipped in the package, and versioned ones under var/models."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jieyou.classify.model import METADATA_FILE, TextClassifier

# Rebuilt by `make model` (train.csv, 7 first-level classes); ships inside the wheel.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default_model"
# Models trained on the operator's machine (`jieyou model train`), one directory per version.
MODELS_DIR = Path("var") / "models"


@lru_cache(maxsize=1)
def default_model() -> TextClassifier | None:
    """The shipped model, loaded once per process; None if the package ships none."""
    if not (DEFAULT_MODEL_DIR / METADATA_FILE).is_file():
        return None
    return TextClassifier.load(DEFAULT_MODEL_DIR)


def versioned_dir(version: str, root: Path = MODELS_DIR) -> Path:
    return root / version
