"""Personal data at rest: sealed, bound to its place, rotatable, erasable, never in clear."""

from __future__ import annotations

import base64
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fundguard.audit.models import AuditRecord
from fundguard.audit.selectors import audit_chain_verify
from fundguard.core.errors import DomainError
from fundguard.customers.models import (
    BankAccount,
    Customer,
    CustomerDataKey,
    CustomerDocument,
    IdentityDocument,
)
from fundguard.customers.selectors import customer_list
from fundguard.customers.services import (
    bank_account_add,
    customer_create,
    customer_erase,
    customer_field_reveal,
    document_content_reveal,
    document_upload,
    funds_account_open,
)
from fundguard.customers.tests.conftest import card_number, resident_id
from fundguard.customers.vault import vault_for
from fundguard.ledger.models import Account
from fundguard.ledger.services import account_close

pytestmark = pytest.mark.django_db

OLD_KEY = "k1:" + base64.b64encode(bytes(range(32))).decode()
NEW_KEY = "k2:" + base64.b64encode(bytes(range(100, 132))).decode()


def _reveal_all(officer, customer: Customer) -> dict[str, str]:
    values = {
        name: customer_field_reveal(actor=officer, customer_id=customer.pk, field=name)
        for name in ("phone", "email", "address", "id_number")
    }
    for account in BankAccount.objects.filter(customer=customer):
        values[f"bank#{account.pk}"] = customer_field_reveal(
            actor=officer,
            customer_id=customer.pk,
            field="bank_account_number",
            object_id=account.pk,
        )
    return values


def test_keys_rotate_rewraps_every_data_key_and_every_row_stays_readable(
    settings, new_customer, operator, risk_officer
):
    settings.FUNDGUARD_DATA_KEYS = OLD_KEY
    customers = [new_customer() for _ in range(3)]
    for customer in customers:
        bank_account_add(
            actor=operator,
            customer_id=customer.pk,
            bank_name="中国银行",
            account_number=card_number(),
            currency="CNY",
        )
    before = {c.pk: _reveal_all(risk_officer, c) for c in customers}
    settings.FUNDGUARD_DATA_KEYS = f"{NEW_KEY},{OLD_KEY}"
    out = io.StringIO()

    call_command("keys", "rotate", stdout=out)

    assert "3 data keys, 3 re-wrapped" in out.getvalue()
    assert set(CustomerDataKey.objects.values_list("master_key_id", flat=True)) == {"k2"}
    settings.FUNDGUARD_DATA_KEYS = NEW_KEY  # the old master key can now be retired
    assert {c.pk: _reveal_all(risk_officer, c) for c in customers} == before
    again = io.StringIO()
    call_command("keys", "rotate", stdout=again)
    assert "0 re-wrapped, 3 already current" in again.getvalue()
    assert AuditRecord.objects.filter(action="keys.rotated").count() == 2


def test_rotation_without_the_old_master_key_fails_loudly(settings, new_customer):
    settings.FUNDGUARD_DATA_KEYS = OLD_KEY
    new_customer()
    settings.FUNDGUARD_DATA_KEYS = NEW_KEY

    with pytest.raises(CommandError, match="could not be unwrapped"):
        call_command("keys", "rotate", stdout=io.StringIO())
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    assert "k1 (MISSING from the ring): 1 data keys" in status.getvalue()


def test_a_tampered_ciphertext_in_the_database_fails_loudly(new_customer, risk_officer):
    customer = new_customer()
    token = customer.phone_sealed
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    Customer.objects.filter(pk=customer.pk).update(phone_sealed=flipped)

    with pytest.raises(DomainError) as caught:
        customer_field_reveal(actor=risk_officer, customer_id=customer.pk, field="phone")

    assert caught.value.code == "personal_data_unreadable"


def test_a_ciphertext_moved_to_another_field_or_customer_fails(new_customer, risk_officer):
    first, second = new_customer(), new_customer()
    Customer.objects.filter(pk=first.pk).update(email_sealed=first.phone_sealed)
    Customer.objects.filter(pk=second.pk).update(phone_sealed=first.phone_sealed)

    for customer, field in ((first, "email"), (second, "phone")):
        with pytest.raises(DomainError) as caught:
            customer_field_reveal(actor=risk_officer, customer_id=customer.pk, field=field)
        assert caught.value.code == "personal_data_unreadable"


def test_erasure_makes_personal_fields_unreadable_and_keeps_ledger_and_audit(
    new_customer, operator, risk_officer
):
    number = resident_id()
    customer = new_customer(id_number=number)
    link = funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    document = document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="id_scan",
        filename="scan.png",
        content_type="image/png",
        content=b"\x89PNG\r\n\x1a\nscan",
    )
    with pytest.raises(DomainError) as blocked:
        customer_erase(actor=risk_officer, customer_id=customer.pk, reason="PIPL request 7")
    assert blocked.value.code == "erasure_blocked_by_open_accounts"
    account_close(actor=operator, account_id=link.account_id)
    audit_before = AuditRecord.objects.filter(object_id=str(customer.pk)).count()

    erased = customer_erase(actor=risk_officer, customer_id=customer.pk, reason="PIPL request 7")

    assert erased.is_erased
    assert erased.name == "[erased]"
    assert erased.phone_sealed  # the row stays, its ciphertext cannot be opened
    with pytest.raises(DomainError) as gone:
        vault_for(erased)
    assert gone.value.code == "personal_data_erased"
    with pytest.raises(DomainError):
        customer_field_reveal(actor=risk_officer, customer_id=customer.pk, field="phone")
    with pytest.raises(DomainError):
        document_content_reveal(actor=risk_officer, document_id=document.pk)
    assert CustomerDataKey.objects.get(customer=customer).wrapped == ""
    assert IdentityDocument.objects.get(customer=customer).number_index == ""
    assert list(customer_list(search=number)) == []
    assert Account.objects.filter(pk=link.account_id).exists()
    assert AuditRecord.objects.filter(object_id=str(customer.pk)).count() > audit_before
    checked, problem = audit_chain_verify()
    assert problem is None
    assert checked > 0


def test_a_revealed_document_is_the_uploaded_file(new_customer, operator, risk_officer):
    customer = new_customer()
    content = b"%PDF-1.7\nlicence"
    document = document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="business_licence",
        filename="licence.pdf",
        content_type="application/pdf",
        content=content,
    )

    _, revealed = document_content_reveal(actor=risk_officer, document_id=document.pk)

    assert revealed == content
    assert CustomerDocument.objects.get(pk=document.pk).content_sealed.startswith("fg1.")


def _database_dump() -> str:
    """Every row of every table, read with raw SQL, as one string."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("latin-1"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_a_raw_database_dump_contains_none_of_1000_sentinel_values(operator):
    sentinels: list[str] = []
    for i in range(200):
        id_number = resident_id("19800101", "110105", f"{i:03d}")
        phone = f"+86139{20_000_000 + i:08d}"
        email = f"sentinel-{uuid.uuid4().hex[:12]}@example.org"
        address = f"SENTINEL-ADDRESS-{uuid.uuid4().hex}"
        card = card_number("622848", 19)
        customer = customer_create(
            actor=operator,
            kind="person",
            name=f"客户{i}",
            id_type="cn_resident_id",
            id_number=id_number,
            country="CN",
            phone=phone,
            email=email,
            address=address,
        )
        bank_account_add(
            actor=operator,
            customer_id=customer.pk,
            bank_name="中国农业银行",
            account_number=card,
            currency="CNY",
        )
        sentinels += [id_number, phone, email, address, card]
    assert len(set(sentinels)) == 1000

    dump = _database_dump()

    assert "SENTINEL-ADDRESS" not in dump
    leaked = [s for s in sentinels if s in dump or s.lstrip("+") in dump]
    assert leaked == []


def test_keys_generate_prints_entries_the_settings_accept():
    from fundguard.core import crypto

    ring_entry, index_key = io.StringIO(), io.StringIO()
    call_command("keys", "generate", "--id", "k2027", stdout=ring_entry)
    call_command("keys", "generate", "--blind-index", stdout=index_key)

    ring = crypto.key_ring_parse(f"{ring_entry.getvalue().strip()},{OLD_KEY}")
    assert ring.active_id == "k2027"
    assert len(crypto.blind_index_key_parse(index_key.getvalue())) == 32
