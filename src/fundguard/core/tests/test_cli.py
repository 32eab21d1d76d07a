"""The `fundguard` console script, run as a user would, against its own SQLite database."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

FUNDGUARD = str(Path(sys.executable).with_name("fundguard"))
PASSWORD = "correct-horse-battery-staple-42"
# Variables of the surrounding test run that would point the script elsewhere.
SCRUBBED = (
    "DATABASE_URL",
    "FUNDGUARD_ENV",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by conftest for Playwright; a deployment check refuses it
)


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return env | {"FUNDGUARD_VAR_DIR": str(var_dir)} | extra


def fundguard(
    var_dir: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FUNDGUARD, *args],
        input=stdin,
        env=_env(var_dir, **env),
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised embedded installation with an operator, shared by this module."""
    path = tmp_path_factory.mktemp("fundguard-var")
    init = fundguard(path, "init")
    assert init.returncode == 0, init.stderr
    created = fundguard(
        path, "user", "create", "alice", "--role", "operator", "--password-stdin", stdin=PASSWORD
    )
    assert created.returncode == 0, created.stderr
    assert "alice" in created.stdout
    assert "otpauth://" not in created.stdout
    assert (path / "fundguard.sqlite3").exists()
    return path


def _python_in(var_dir: Path, code: str) -> str:
    result = fundguard(var_dir, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_user_create_reads_the_password_from_stdin_and_stores_an_argon2_hash(var_dir):
    stored = _python_in(
        var_dir,
        "from django.contrib.auth.models import User;"
        "u = User.objects.get(username='alice');"
        f"print(u.password.split('$')[0], u.check_password({PASSWORD!r}), "
        "[g.name for g in u.groups.all()])",
    )

    assert stored == "argon2 True ['operator']"


def test_an_unknown_role_exits_2_naming_the_role(var_dir):
    result = fundguard(
        var_dir, "user", "create", "bob", "--role", "wizard", "--password-stdin", stdin=PASSWORD
    )

    assert result.returncode == 2
    assert "wizard" in result.stderr
    assert "Traceback" not in result.stderr
    assert fundguard(var_dir, "token", "create", "bob").returncode == 2  # bob was not created


def test_a_weak_password_exits_2_and_creates_nobody(var_dir):
    result = fundguard(
        var_dir, "user", "create", "dan", "--role", "operator", "--password-stdin", stdin="short"
    )

    assert result.returncode == 2
    assert "12" in result.stderr
    assert fundguard(var_dir, "token", "create", "dan").returncode == 2


def test_a_password_is_never_read_from_a_pipe_without_password_stdin(var_dir):
    result = fundguard(var_dir, "user", "create", "erin", "--role", "operator", stdin=PASSWORD)

    assert result.returncode == 2
    assert "--password-stdin" in result.stderr


def test_user_create_for_an_approver_prints_an_otpauth_uri(var_dir):
    result = fundguard(
        var_dir,
        "user",
        "create",
        "carol",
        "--role",
        "approver_l1",
        "--password-stdin",
        stdin=PASSWORD,
    )

    assert result.returncode == 0, result.stderr
    uris = [line for line in result.stdout.splitlines() if line.startswith("otpauth://totp/")]
    assert len(uris) == 1
    assert "carol" in uris[0]
    assert "secret=" in uris[0]
    assert "issuer=FundGuard" in uris[0]


def test_token_create_prints_a_working_token_as_the_last_line(var_dir):
    result = fundguard(var_dir, "token", "create", "alice")

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("fg_")
    holder = _python_in(
        var_dir,
        "from fundguard.core.services.users import token_authenticate;"
        f"print(token_authenticate({token!r}))",
    )
    assert holder == "alice"
    stored = _python_in(
        var_dir,
        "from fundguard.core.models import ApiToken;"
        f"print(ApiToken.objects.filter(digest__contains={token.split('_', 2)[2]!r}).count())",
    )
    assert stored == "0"


def test_token_create_for_an_unknown_user_exits_2_naming_the_user(var_dir):
    result = fundguard(var_dir, "token", "create", "nobody")

    assert result.returncode == 2
    assert "nobody" in result.stderr
    assert "Traceback" not in result.stderr


def test_audit_verify_passes_on_a_fresh_database(tmp_path):
    assert fundguard(tmp_path, "init").returncode == 0

    result = fundguard(tmp_path, "audit", "verify")

    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def test_audit_verify_passes_after_the_commands_above(var_dir):
    result = fundguard(var_dir, "audit", "verify")

    assert result.returncode == 0, result.stderr


def _production_env(tmp_path: Path) -> dict[str, str]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "funds.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "FUNDGUARD_DATA_KEYS": f"k1:{key}",
        "FUNDGUARD_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def test_check_passes_the_deployment_checks_with_production_settings(tmp_path):
    result = fundguard(tmp_path, "check", **_production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_without_a_secret_key_fails_naming_it(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = fundguard(tmp_path, "check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_with_a_short_secret_key_fails(tmp_path):
    result = fundguard(tmp_path, "check", **(_production_env(tmp_path) | {"SECRET_KEY": "x"}))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
