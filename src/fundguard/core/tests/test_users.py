"""User and token services: creation, normalised names, permissions, hashed tokens."""

from __future__ import annotations

import pytest
from conftest import TEST_PASSWORD
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.core.models import ApiToken
from fundguard.core.roles import OTP_REQUIRED_ROLES, Role
from fundguard.core.services.users import (
    token_authenticate,
    token_create,
    user_create,
    user_disable,
    user_get,
)

pytestmark = pytest.mark.django_db


def test_user_create_stores_one_normalised_username_and_audits_it():
    created = user_create(
        actor=None, username="  Alice Smith ", role="operator", password=TEST_PASSWORD
    )

    assert created.user.username == "alicesmith"
    assert user_get("ALICESMITH ").pk == created.user.pk
    record = AuditRecord.objects.get(
        action="user.created", object_type="auth.user", object_id=str(created.user.pk)
    )
    assert record.actor_username == "system"
    assert record.changes == {"username": [None, "alicesmith"], "role": [None, "operator"]}


def test_user_create_refuses_a_username_differing_only_in_case_or_spaces(make_user):
    make_user("operator", username="bob")
    users = User.objects.count()

    with pytest.raises(DomainError) as refused:
        user_create(actor=None, username=" BOB", role="auditor", password=TEST_PASSWORD)

    assert refused.value.code == "username_taken"
    assert refused.value.field == "username"
    assert User.objects.count() == users


def test_user_create_refuses_an_unknown_role_naming_it():
    with pytest.raises(DomainError) as refused:
        user_create(actor=None, username="carol", role="superuser", password=TEST_PASSWORD)

    assert refused.value.code == "unknown_role"
    assert "superuser" in refused.value.message
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_needing_a_one_time_code_get_a_totp_device(role):
    created = user_create(actor=None, username=f"u-{role}", role=role, password=TEST_PASSWORD)

    needs = role in OTP_REQUIRED_ROLES
    assert (created.provisioning_uri is not None) == needs
    assert TOTPDevice.objects.filter(user=created.user).exists() == needs
    if needs:
        assert created.provisioning_uri.startswith("otpauth://totp/")


def test_user_create_without_a_password_makes_an_api_only_user():
    created = user_create(actor=None, username="svc", role="integration", password=None)

    assert not created.user.has_usable_password()


def test_user_get_names_an_unknown_user():
    with pytest.raises(DomainError) as refused:
        user_get("nobody")

    assert refused.value.code == "unknown_user"
    assert "nobody" in refused.value.message


@pytest.mark.parametrize("role", ["operator", "auditor", "approver_l3", "integration"])
def test_staff_without_manage_users_cannot_create_or_disable_users_and_the_denial_is_audited(
    make_user, role
):
    actor = make_user(role)
    victim = make_user("operator")

    with pytest.raises(DomainError) as create_refused:
        user_create(actor=actor, username="sneaky", role="admin", password=TEST_PASSWORD)
    with pytest.raises(DomainError) as disable_refused:
        user_disable(actor=actor, user=victim)
    with pytest.raises(DomainError) as token_refused:
        token_create(actor=actor, user=victim)

    assert {create_refused.value.code, disable_refused.value.code, token_refused.value.code} == {
        "permission_denied"
    }
    assert not User.objects.filter(username="sneaky").exists()
    victim.refresh_from_db()
    assert victim.is_active
    assert not ApiToken.objects.filter(user=victim).exists()
    denials = AuditRecord.objects.filter(
        action="auth.permission_denied", actor_username=actor.username
    )
    assert denials.count() == 3
    assert set(denials.values_list("object_id", flat=True)) == {
        "core.manage_users",
        "core.token_for_another_user",
    }


def test_even_an_administrator_cannot_issue_a_token_for_another_user(make_user):
    admin = make_user("admin")
    integration = make_user("integration", password=None)

    with pytest.raises(DomainError) as refused:
        token_create(actor=admin, user=integration)

    assert refused.value.code == "permission_denied"
    assert not ApiToken.objects.filter(user=integration).exists()
    assert AuditRecord.objects.filter(
        action="auth.permission_denied",
        actor_username=admin.username,
        object_id="core.token_for_another_user",
    ).exists()


def test_a_user_may_issue_their_own_token(make_user):
    operator = make_user("operator")

    token, plain = token_create(actor=operator, user=operator)

    assert token.user == operator
    assert token_authenticate(plain) == operator


def test_an_admin_can_create_and_disable_users_and_is_named_in_the_audit(make_user):
    admin = make_user("admin")

    created = user_create(actor=admin, username="dave", role="operator", password=TEST_PASSWORD)
    user_disable(actor=admin, user=created.user)

    records = AuditRecord.objects.filter(
        object_type="auth.user", object_id=str(created.user.pk)
    ).order_by("seq")
    assert [(r.action, r.actor_username, r.actor_role) for r in records] == [
        ("user.created", admin.username, "admin"),
        ("user.disabled", admin.username, "admin"),
    ]


def test_an_inactive_admin_cannot_manage_users(make_user):
    admin = make_user("admin")
    user_disable(actor=None, user=admin)
    admin.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        user_create(actor=admin, username="erin", role="operator", password=TEST_PASSWORD)

    assert refused.value.code == "permission_denied"


def test_tokens_are_stored_hashed_and_authenticate_their_user(make_user):
    user = make_user("integration")

    token, plain = token_create(actor=None, user=user)

    assert plain.startswith(f"fg_{token.prefix}_")
    assert plain not in token.digest
    assert ApiToken.objects.filter(digest__contains=plain.split("_", 2)[2]).count() == 0
    assert token_authenticate(plain) == user


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"),
        lambda p: p.replace("fg_", "xx_", 1),
        lambda p: p.split("_", 2)[0] + "_" + p.split("_", 2)[1],
        lambda p: "",
        lambda p: "fg_00000000_" + p.split("_", 2)[2],
    ],
    ids=["wrong_secret", "wrong_scheme", "no_secret", "empty", "wrong_prefix"],
)
def test_a_mangled_token_authenticates_nobody(make_user, mangle):
    _, plain = token_create(actor=None, user=make_user("integration"))

    assert token_authenticate(mangle(plain)) is None


def test_disabling_revokes_every_token_of_the_user_only(make_user):
    user, other = make_user("integration"), make_user("integration")
    plains = [token_create(actor=None, user=user)[1] for _ in range(2)]
    _, other_plain = token_create(actor=None, user=other)

    user_disable(actor=None, user=user)

    assert [token_authenticate(p) for p in plains] == [None, None]
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert token_authenticate(other_plain) == other
