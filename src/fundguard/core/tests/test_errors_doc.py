"""docs/reference/errors.md lists every registered error code with its HTTP status."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import fundguard
from fundguard.core.errors import ERROR_CATALOGUE

ERRORS_DOC = Path(__file__).resolve().parents[4] / "docs" / "reference" / "errors.md"
ROW = re.compile(r"^\|\s*`(?P<code>[a-z0-9_]+)`\s*\|\s*(?P<status>\d{3})\s*\|", re.MULTILINE)
NOT_APP_CODE = (".tests", ".migrations", ".management", "fundguard.wsgi", "fundguard.asgi")


def _import_every_module() -> None:
    """Codes are registered at import; load every module that could declare some."""
    for module in pkgutil.walk_packages(fundguard.__path__, "fundguard."):
        if not any(part in module.name for part in NOT_APP_CODE):
            importlib.import_module(module.name)


def _documented() -> dict[str, int]:
    rows = ROW.findall(ERRORS_DOC.read_text(encoding="utf-8"))
    codes = [code for code, _ in rows]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    assert not duplicated, f"listed twice in {ERRORS_DOC.name}: {duplicated}"
    return {code: int(status) for code, status in rows}


def test_every_registered_error_code_is_documented_with_its_status():
    _import_every_module()
    documented = _documented()

    missing = sorted(set(ERROR_CATALOGUE) - set(documented))
    wrong_status = sorted(
        f"{code}: documented {documented[code]}, registered {spec.status}"
        for code, spec in ERROR_CATALOGUE.items()
        if code in documented and documented[code] != spec.status
    )

    assert not missing, f"add to docs/reference/errors.md: {missing}"
    assert not wrong_status, wrong_status


def test_every_documented_error_code_still_exists():
    _import_every_module()

    stale = sorted(set(_documented()) - set(ERROR_CATALOGUE))

    assert not stale, f"no longer registered, remove from docs/reference/errors.md: {stale}"


def test_the_catalogue_is_not_empty_and_the_doc_is_parsed():
    # Guards the two tests above against passing vacuously (an empty catalogue or a doc whose
    # table format the pattern no longer matches).
    _import_every_module()

    assert len(ERROR_CATALOGUE) >= 12
    assert len(_documented()) >= 12
    assert _documented()["permission_denied"] == 403
