from __future__ import annotations

from collections.abc import Iterator

import pytest

from fundguard.ledger.checks import ledger_check


@pytest.fixture
def broken_on_purpose() -> None:
    """Requested by a negative control that leaves a broken ledger: skip the checks after it."""


@pytest.fixture(autouse=True)
def _ledger_checks_hold_after_each_test(
    request: pytest.FixtureRequest, transactional_db: None
) -> Iterator[None]:
    yield
    if "broken_on_purpose" in request.fixturenames:
        return
    problems = ledger_check()
    assert not problems, "\n".join(map(str, problems))
