"""formats/ stays free of Django: parsers and generators run, and are fuzzed, without settings."""

from __future__ import annotations

import ast
from pathlib import Path

FORMATS_DIR = Path(__file__).resolve().parents[1]


def test_no_module_of_formats_imports_django() -> None:
    offenders = []
    for path in sorted(FORMATS_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
