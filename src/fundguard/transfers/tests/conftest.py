from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests read the English refusal messages; the site's default language is zh-Hans."""
    with translation.override("en"):
        yield
