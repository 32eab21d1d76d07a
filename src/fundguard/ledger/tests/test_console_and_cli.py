"""Console pages, the demo loader and `fundguard ledger check`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.ledger.demo import ledger_demo_load
from fundguard.ledger.models import Account, EntryLine, Hold, JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(operator):
    return ledger_demo_load(actor=operator)


def test_the_demo_loads_once(operator, demo):
    counts = (Account.objects.count(), JournalEntry.objects.count(), Hold.objects.count())
    ledger_demo_load(actor=operator)
    assert (Account.objects.count(), JournalEntry.objects.count(), Hold.objects.count()) == counts
    assert {a.currency for a in demo} == {"CNY", "USD"}


@pytest.mark.parametrize("role", ["operator", "auditor", "approver_l1"])
def test_ledger_readers_see_every_ledger_page(client, make_user, demo, role):
    user = make_user(role)
    _sign_in(client, user)
    entry = JournalEntry.objects.order_by("pk").first()
    account = demo[1]
    for url in (
        "/ledger/accounts/",
        f"/ledger/accounts/{account.pk}/",
        f"/ledger/entries/{entry.pk}/",
        "/ledger/trial-balance/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/ledger/accounts/{account.pk}/").content.decode()
    assert "12000.00" in page or "11975.00" in page
    assert "1409.50" in page  # the demo hold
    entry_page = client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    assert "ledger.entry_posted" in entry_page


def _sign_in(client, user):
    """Signed in, with the one-time code verified where the role needs one."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


def test_an_administrator_cannot_open_the_ledger(client, make_user, demo):
    admin = make_user("admin")
    _sign_in(client, admin)
    assert client.get("/ledger/accounts/").status_code == 403


def test_unknown_pages_are_404(client, operator):
    client.force_login(operator)
    assert client.get("/ledger/accounts/999999/").status_code == 404
    assert client.get("/ledger/entries/999999/").status_code == 404


def test_ledger_check_passes_on_a_sound_ledger(demo, capsys):
    call_command("ledger", "check")
    assert "ok" in capsys.readouterr().out


def test_ledger_check_names_each_mismatch(demo):
    # Tamper with a running total behind the services' back (the triggers guard only
    # entries and lines; the check is what catches this).
    account = demo[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_account SET credits_posted = credits_posted + 1 WHERE id = %s",
            [account.pk],
        )
    with pytest.raises(CommandError):
        call_command("ledger", "check")
    from fundguard.ledger.checks import ledger_check

    problems = [str(p) for p in ledger_check()]
    assert any(account.code in p and "credits_posted" in p for p in problems)
    assert any(p.startswith("currencies_sum_to_zero: CNY") for p in problems)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_account SET credits_posted = credits_posted - 1 WHERE id = %s",
            [account.pk],
        )
    assert EntryLine.objects.exists()
