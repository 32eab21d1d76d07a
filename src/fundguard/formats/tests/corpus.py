"""Where the shared real-world corpus lives; tests skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS_DIR = Path(
    os.environ.get("FUNDGUARD_CORPUS_DIR", Path(__file__).resolve().parents[4] / "../shared/corpus")
).resolve()


def corpus_path(relative: str) -> Path:
    """A file or folder of the corpus, or a skip when the corpus (or that file) is absent."""
    path = CORPUS_DIR / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} not found under {CORPUS_DIR} (no ../shared/corpus)")
    return path
