"""``fundguard``: the one command-line entry point (Django management commands underneath).

``fundguard <group> <verb> ...`` runs the management command ``<group>``; ``fundguard check``
runs Django's deployment checks against the production settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fundguard.settings")
    if args[:1] == ["check"]:
        os.environ["FUNDGUARD_ENV"] = "production"
        args = ["check", "--deploy", "--fail-level", "WARNING", *args[1:]]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["fundguard", *args])
    except ImproperlyConfigured as exc:  # e.g. a production secret missing from the environment
        sys.exit(f"fundguard: configuration error: {exc}")


if __name__ == "__main__":
    main()
