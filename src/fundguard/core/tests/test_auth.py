"""Staff sign-in through the console: password, one-time code, lockout, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from conftest import TEST_PASSWORD
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.core.otp import current_code
from fundguard.core.services.users import token_create, user_create, user_disable

pytestmark = pytest.mark.django_db

OTP_ROLES = ["approver_l1", "approver_l2", "approver_l3", "risk_officer", "admin"]


def _password_step(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post("/signin/", {"username": username, "password": password})


def _sign_in(client: Client, user: User) -> None:
    response = _password_step(client, user.username)
    if response.url == "/signin/code/":
        response = client.post("/signin/code/", {"code": current_code(user)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def _reaches_dashboard(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def _audit(action: str, **filters: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action, **filters).order_by("seq"))


def _shift_lockout_clock(minutes: int) -> None:
    """Make every recorded failure ``minutes`` older (django-axes counts recent ones)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


# --- Passwords --------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2_hashes(make_user):
    user = make_user("operator")

    assert user.password.startswith("argon2$")
    assert TEST_PASSWORD not in user.password
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "password",
    ["Short-pw-11", "qwerty123456", "telechargement"],
    ids=["eleven_characters", "common_with_digits", "common_word"],
)
def test_user_create_refuses_short_or_common_passwords(password):
    audit_before = AuditRecord.objects.count()

    with pytest.raises(DomainError) as refused:
        user_create(actor=None, username="weak-pw", role="operator", password=password)

    assert refused.value.code == "password_too_weak"
    assert refused.value.field == "password"
    assert refused.value.status == 422
    assert not User.objects.filter(username="weak-pw").exists()
    assert AuditRecord.objects.count() == audit_before


def test_user_create_accepts_a_twelve_character_uncommon_password():
    created = user_create(actor=None, username="ok-pw", role="operator", password="Zebra-Kite-42")

    assert created.user.check_password("Zebra-Kite-42")


# --- Password, then one-time code -------------------------------------------------------------


def test_operator_reaches_the_dashboard_with_a_password_alone(client, make_user):
    user = make_user("operator")

    response = _password_step(client, user.username)

    assert response.status_code == 302
    assert _reaches_dashboard(client)
    assert _audit("auth.signed_in", actor_username=user.username)


@pytest.mark.parametrize("role", OTP_ROLES)
def test_roles_needing_a_one_time_code_cannot_reach_the_dashboard_with_only_a_password(
    client, make_user, role
):
    user = make_user(role)

    response = _password_step(client, user.username)

    assert response.status_code == 302
    assert response.url == "/signin/code/"
    assert not _reaches_dashboard(client)
    assert client.get("/audit/").status_code != 200
    assert not _audit("auth.signed_in", actor_username=user.username)


@pytest.mark.parametrize("role", OTP_ROLES)
def test_the_correct_one_time_code_completes_sign_in(client, make_user, role):
    user = make_user(role)
    _password_step(client, user.username)

    response = client.post("/signin/code/", {"code": current_code(user)})

    assert response.status_code == 302
    assert _reaches_dashboard(client)
    assert _audit("auth.signed_in", actor_username=user.username)


def test_a_wrong_code_gives_the_same_generic_message_as_a_wrong_password_and_is_audited(
    client, make_user
):
    user = make_user("approver_l1")
    wrong_password = _password_step(client, user.username, "not-the-password-at-all")
    _password_step(client, user.username)
    good = current_code(user)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"

    wrong_code = client.post("/signin/code/", {"code": bad})

    assert wrong_password.status_code == wrong_code.status_code == 200
    assert wrong_password.context["error"]
    assert wrong_code.context["error"] == wrong_password.context["error"]
    assert not _reaches_dashboard(client)
    failures = _audit("auth.signin_failed", object_id=user.username)
    assert [r.changes["stage"][1] for r in failures] == ["password", "otp"]


def test_a_wrong_password_for_an_unknown_user_reads_like_any_other_failure(client, make_user):
    user = make_user("operator")

    known = _password_step(client, user.username, "not-the-password-at-all")
    unknown = _password_step(client, "nobody-here", "not-the-password-at-all")

    assert known.context["error"] == unknown.context["error"]
    assert _audit("auth.signin_failed", object_id="nobody-here")


def test_a_one_time_code_is_accepted_only_once(make_user):
    user = make_user("approver_l2")
    first, second = Client(), Client()
    _password_step(first, user.username)
    _password_step(second, user.username)
    code = current_code(user)

    first.post("/signin/code/", {"code": code})
    replay = second.post("/signin/code/", {"code": code})

    assert _reaches_dashboard(first)
    assert replay.status_code == 200
    assert not _reaches_dashboard(second)


def test_the_code_page_without_a_password_step_sends_back_to_sign_in(client, make_user):
    user = make_user("approver_l1")

    response = client.post("/signin/code/", {"code": current_code(user)})

    assert response.status_code == 302
    assert response.url == "/signin/"
    assert not _reaches_dashboard(client)


# --- Lockout ----------------------------------------------------------------------------------


def test_lockout_after_ten_failures_counts_case_and_whitespace_variants_of_the_username(
    client, make_user
):
    user = make_user("operator", username="operator-1")
    variants = ["operator-1", "Operator-1 ", "OPERATOR-1", " operator-1", "Operator-1"]

    for i in range(9):
        _password_step(client, variants[i % len(variants)], f"wrong-password-{i}")
    assert not _audit("auth.locked_out")
    assert _password_step(Client(), "operator-1").status_code == 302  # 9 failures: not locked
    for i in range(10):
        _password_step(client, variants[i % len(variants)], f"wrong-password-{i}")

    locked = _password_step(Client(), "OPERATOR-1", TEST_PASSWORD)

    assert locked.status_code == 403
    assert _audit("auth.locked_out", object_id=user.username)
    fresh = Client()
    _password_step(fresh, "operator-1")
    assert not _reaches_dashboard(fresh)


def test_the_correct_password_is_refused_for_thirty_minutes_after_the_lockout(client, make_user):
    user = make_user("operator", username="operator-2")
    for i in range(10):
        _password_step(client, "OPERATOR-2 ", f"wrong-password-{i}")
    assert _password_step(Client(), user.username).status_code == 403

    _shift_lockout_clock(29)
    still_locked = Client()

    assert _password_step(still_locked, user.username).status_code == 403
    assert not _reaches_dashboard(still_locked)


def test_the_correct_password_is_accepted_again_after_thirty_minutes(client, make_user):
    user = make_user("operator", username="operator-3")
    for i in range(10):
        _password_step(client, " Operator-3", f"wrong-password-{i}")
    assert _password_step(Client(), user.username).status_code == 403

    _shift_lockout_clock(31)
    after = Client()

    assert _password_step(after, user.username).status_code == 302
    assert _reaches_dashboard(after)


def test_wrong_one_time_codes_count_towards_the_lockout(make_user):
    user = make_user("risk_officer")
    client = Client()
    _password_step(client, user.username)
    bad = f"{(int(current_code(user)) + 1) % 1_000_000:06d}"

    for _ in range(10):
        client.post("/signin/code/", {"code": bad})
    after_lockout = client.post("/signin/code/", {"code": current_code(user)})

    assert after_lockout.status_code == 403
    assert not _reaches_dashboard(client)
    assert _audit("auth.locked_out", object_id=user.username)
    assert _password_step(Client(), user.username).status_code == 403


def test_one_users_failures_do_not_lock_another_user(client, make_user):
    make_user("operator", username="victim")
    other = make_user("operator", username="bystander")

    for i in range(10):
        _password_step(client, "victim", f"wrong-password-{i}")

    assert _password_step(Client(), other.username).status_code == 302


# --- Sessions ---------------------------------------------------------------------------------


def test_the_session_key_changes_at_sign_in(client, make_user):
    user = make_user("operator")
    client.get("/signin/")
    before = client.session.session_key
    assert before

    _password_step(client, user.username)

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_key_changes_again_after_the_one_time_code(client, make_user):
    user = make_user("admin")
    client.get("/signin/")
    _password_step(client, user.username)
    between = client.session.session_key

    client.post("/signin/code/", {"code": current_code(user)})

    assert client.session.session_key != between


def test_a_session_idle_for_fifteen_minutes_is_signed_out(client, make_user):
    user = make_user("operator")
    _sign_in(client, user)
    session = Session.objects.get(session_key=client.session.session_key)

    # Each request pushes the expiry 15 minutes ahead (idle timeout, not absolute).
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(seconds=30))
    assert _reaches_dashboard(client)
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=14)
    assert renewed <= timezone.now() + timedelta(minutes=15, seconds=5)

    # Fifteen idle minutes later the stored session has expired.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/signin/")
    assert settings.SESSION_COOKIE_AGE == 15 * 60


def test_disabling_a_user_ends_their_console_session_and_revokes_their_api_tokens(
    client, make_user, bearer
):
    user = make_user("auditor")
    headers = bearer(user)
    _sign_in(client, user)
    api = Client()
    assert api.get("/api/v1/me", headers=headers).status_code == 200

    user_disable(actor=None, user=user)

    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/signin/")
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert _password_step(Client(), user.username).status_code == 200  # refused, generic
    disabled = _audit("user.disabled", object_id=str(user.pk))
    assert disabled[-1].changes["tokens_revoked"][1] == 1
    assert disabled[-1].changes["sessions_ended"][1] == 1


def test_a_disabled_user_gets_no_new_token(make_user):
    user = make_user("integration")
    user_disable(actor=None, user=user)

    with pytest.raises(DomainError) as refused:
        token_create(actor=None, user=user)

    assert refused.value.code == "user_disabled"


@pytest.mark.parametrize("role", ["integration", "customer"])
def test_roles_without_console_access_cannot_sign_in_to_the_console(client, make_user, role):
    user = make_user(role)

    response = _password_step(client, user.username)

    assert response.status_code == 200
    assert response.context["error"]
    assert not _reaches_dashboard(client)
    assert not _audit("auth.signed_in", actor_username=user.username)
    refused = _audit("auth.signin_failed", object_id=user.username)
    assert [r.changes["stage"][1] for r in refused] == ["role"]


def test_sign_out_ends_the_session(client, make_user):
    user = make_user("operator")
    _sign_in(client, user)

    client.post("/signout/")

    assert not _reaches_dashboard(client)
    assert _audit("auth.signed_out", actor_username=user.username)


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/audit/", "/audit/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("", "/"),
    ],
    ids=["own_page", "other_site", "scheme_relative", "none"],
)
def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(
    client, make_user, next_url, lands_on
):
    user = make_user("auditor")
    client.get("/signin/", {"next": next_url})

    response = _password_step(client, user.username)

    assert response.status_code == 302
    assert response.url == lands_on
