"""Personal data at rest: sealed, bound to its place, rotatable, erasable, never in clear."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fundguard.audit.models import AuditRecord
from fundguard.audit.selectors import audit_chain_verify
from fundguard.core import crypto
from fundguard.core.errors import DomainError
from fundguard.customers import vault as vault_module
from fundguard.customers.imports import rows_check
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
    beneficial_owner_add,
    beneficiary_add,
    customer_create,
    customer_erase,
    customer_field_reveal,
    document_content_reveal,
    document_upload,
    funds_account_open,
    identity_document_add,
)
from fundguard.customers.services.privacy import REVEALABLE
from fundguard.customers.tests.conftest import card_number, resident_id, uscc_number
from fundguard.customers.vault import INDEXED, sealed_places, vault_for
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


def test_a_raw_database_dump_contains_none_of_1000_sentinel_values(settings, operator):
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
    # Nor after a complete rotation (fresh data keys, rebuilt indexes) and its audit records.
    new_index_key = base64.b64encode(bytes(range(50, 82))).decode()
    settings.FUNDGUARD_BLIND_INDEX_KEY = (
        f"b9:{new_index_key},b0:{settings.FUNDGUARD_BLIND_INDEX_KEY}"
    )
    call_command("keys", "rotate", "--data-keys", "--blind-index", stdout=io.StringIO())
    dump = _database_dump()
    assert "SENTINEL-ADDRESS" not in dump
    assert [s for s in sentinels if s in dump or s.lstrip("+") in dump] == []
    assert [c.name for c in customer_list(search=sentinels[-5])] == ["客户199"]


def test_keys_generate_prints_entries_the_settings_accept():
    from fundguard.core import crypto

    ring_entry, index_key = io.StringIO(), io.StringIO()
    call_command("keys", "generate", "--id", "k2027", stdout=ring_entry)
    call_command("keys", "generate", "--blind-index", stdout=index_key)

    ring = crypto.key_ring_parse(f"{ring_entry.getvalue().strip()},{OLD_KEY}")
    assert ring.active_id == "k2027"
    assert len(crypto.blind_index_key_parse(index_key.getvalue())) == 32
    index_ring = crypto.blind_index_ring_parse(f"{index_key.getvalue().strip()},b0:{NEW_KEY[3:]}")
    assert index_ring.active_id.startswith("b")
    assert set(index_ring.keys) == {index_ring.active_id, "b0"}


# --- a complete customer file: every sealed place and every revealable field -----------------

PNG = b"\x89PNG\r\n\x1a\nscan"


def _full_file(
    operator, officer_for_erasure=None
) -> tuple[Customer, dict[tuple[str, int | None], str]]:
    """An organization with a value in every sealed place; returns what each reveal must give."""
    uscc, representative, owner_id = uscc_number(), resident_id(), resident_id()
    iban, card = "DE89370400440532013000", card_number()
    registration = f"HRB{uuid.uuid4().int % 10**8:08d}"
    customer = customer_create(
        actor=operator,
        kind="organization",
        name="示例有限公司",
        id_type="cn_uscc",
        id_number=uscc,
        country="CN",
        phone="+86 10 6552 9988",
        email=f"office-{uuid.uuid4().hex[:8]}@example.cn",
        address="北京市东城区东长安街1号",
        legal_representative_name="王五",
        legal_representative_id_type="cn_resident_id",
        legal_representative_id_number=representative,
    )
    account = bank_account_add(
        actor=operator,
        customer_id=customer.pk,
        bank_name="Commerzbank",
        account_number=iban,
        bic="COBADEFFXXX",
        currency="EUR",
    )
    payee = beneficiary_add(
        actor=operator,
        customer_id=customer.pk,
        name="李四",
        bank_name="中国银行",
        account_number=card,
        currency="CNY",
    )
    owner = beneficial_owner_add(
        actor=operator,
        customer_id=customer.pk,
        name="赵六",
        share_bp=5000,
        id_type="cn_resident_id",
        id_number=owner_id,
    )
    extra = identity_document_add(
        actor=operator,
        customer_id=customer.pk,
        id_type="foreign_registration",
        id_number=registration,
    )
    document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="business_licence",
        filename="licence.png",
        content_type="image/png",
        content=PNG,
    )
    customer.refresh_from_db()
    expected = {
        ("phone", None): "+861065529988",
        ("email", None): vault_for(customer).open(Customer, "email", customer.email_sealed),
        ("address", None): "北京市东城区东长安街1号",
        ("legal_representative_id_number", None): representative,
        ("id_number", None): uscc,
        ("id_number", extra.pk): registration,
        ("bank_account_number", account.pk): iban,
        ("beneficiary_account_number", payee.pk): card,
        ("beneficial_owner_id_number", owner.pk): owner_id,
    }
    return customer, expected


def _reveal(officer, customer: Customer, expected) -> dict[tuple[str, int | None], str]:
    revealed = {
        (field, object_id): customer_field_reveal(
            actor=officer, customer_id=customer.pk, field=field, object_id=object_id
        )
        for field, object_id in expected
    }
    for document in CustomerDocument.objects.filter(customer=customer):
        revealed[("document", document.pk)] = document_content_reveal(
            actor=officer, document_id=document.pk
        )[1].decode("latin-1")
    return revealed


def _tokens(customer: Customer) -> list[str]:
    """Every sealed value the customer has, from every sealed place."""
    tokens = []
    for model, column, _field in sealed_places():
        owner = {"pk": customer.pk} if model is Customer else {"customer": customer}
        tokens += [
            t for t in model._default_manager.filter(**owner).values_list(column, flat=True) if t
        ]
    return tokens


def test_every_reveal_is_audited_with_who_which_field_and_row_never_the_value(
    operator, risk_officer
):
    customer, expected = _full_file(operator)
    assert {field for field, _ in expected} == set(REVEALABLE)  # every revealable field
    before = AuditRecord.objects.filter(action="customer.field_revealed").count()

    revealed = _reveal(risk_officer, customer, expected)

    records = list(
        AuditRecord.objects.filter(action="customer.field_revealed").order_by("seq")[before:]
    )
    assert len(records) == len(revealed)  # one record per reveal, document included
    assert {r.actor_username for r in records} == {risk_officer.username}
    assert [r.changes["field"][1] for r in records] == [f for f, _ in expected] + [
        "document_content"
    ]
    assert all(r.object_id == str(customer.pk) for r in records)
    text = str([r.changes for r in records])
    assert not [v for v in expected.values() if v in text]


def test_keys_rotate_data_keys_reseals_every_value_and_file_under_a_fresh_key(
    settings, operator, risk_officer
):
    settings.FUNDGUARD_DATA_KEYS = OLD_KEY
    files = [_full_file(operator) for _ in range(3)]
    erased_customer, _ = _full_file(operator)
    customer_erase(actor=risk_officer, customer_id=erased_customer.pk, reason="PIPL request 9")
    before = {c.pk: _reveal(risk_officer, c, e) for c, e in files}
    old_tokens = {c.pk: _tokens(c) for c, _ in files}
    old_key_ids = {c.pk: c.data_key.key_id for c, _ in files}
    settings.FUNDGUARD_DATA_KEYS = f"{NEW_KEY},{OLD_KEY}"
    out = io.StringIO()

    call_command("keys", "rotate", "--data-keys", stdout=out)

    assert "3 customers given a new data key" in out.getvalue()
    settings.FUNDGUARD_DATA_KEYS = NEW_KEY  # neither the old master key nor old data keys needed
    for customer, expected in files:
        key = CustomerDataKey.objects.get(customer=customer)
        assert key.key_id != old_key_ids[customer.pk]
        assert key.master_key_id == "k2"
        tokens = _tokens(customer)
        assert len(tokens) == len(old_tokens[customer.pk]) == 11
        assert {crypto.token_key_id(t) for t in tokens} == {key.key_id}
        assert not set(tokens) & set(old_tokens[customer.pk])
        assert _reveal(risk_officer, customer, expected) == before[customer.pk]
    # An old ciphertext put back (a restored backup row) names a key that no longer opens it.
    first, _ = files[0]
    Customer.objects.filter(pk=first.pk).update(phone_sealed=old_tokens[first.pk][0])
    with pytest.raises(DomainError) as caught:
        customer_field_reveal(actor=risk_officer, customer_id=first.pk, field="phone")
    assert caught.value.code == "personal_data_unreadable"
    assert CustomerDataKey.objects.get(customer=erased_customer).wrapped == ""  # left as it was
    (record,) = AuditRecord.objects.filter(action="keys.data_keys_rekeyed")
    assert record.changes["customers"][1] == 3
    assert record.changes["values_resealed"][1] == 33
    assert record.changes["files_resealed"][1] == 3
    assert not [v for _, e in files for v in e.values() if v in str(record.changes)]


def test_an_interrupted_rekey_leaves_every_row_readable_and_resumes_with_before(
    monkeypatch, operator, risk_officer
):
    files = [_full_file(operator) for _ in range(3)]
    before = {c.pk: _reveal(risk_officer, c, e) for c, e in files}
    started = datetime.now().astimezone()
    real_replace = vault_module.data_key_replace
    calls = []

    def crash_on_the_second(key):
        calls.append(key.customer_id)
        if len(calls) == 2:
            raise RuntimeError("the process was killed")
        return real_replace(key)

    from fundguard.customers.services import data_keys_rekey

    monkeypatch.setattr("fundguard.customers.services.keys.data_key_replace", crash_on_the_second)
    with pytest.raises(RuntimeError):
        data_keys_rekey(actor=None, before=started, batch_size=1)
    monkeypatch.undo()

    # The first batch is committed, the second rolled back: each token still names its key.
    for customer, expected in files:
        key = CustomerDataKey.objects.get(customer=customer)
        assert {crypto.token_key_id(t) for t in _tokens(customer)} == {key.key_id}
        assert _reveal(risk_officer, customer, expected) == before[customer.pk]
    assert AuditRecord.objects.filter(action="keys.data_keys_rekeyed").count() == 1
    out = io.StringIO()

    call_command("keys", "rotate", "--data-keys", "--before", started.isoformat(), stdout=out)

    assert "2 customers given a new data key" in out.getvalue()
    again = io.StringIO()
    call_command("keys", "rotate", "--data-keys", "--before", started.isoformat(), stdout=again)
    assert "0 customers given a new data key" in again.getvalue()
    rekeyed = CustomerDataKey.objects.filter(rekeyed_at__isnull=False).count()
    assert rekeyed == 3
    for customer, expected in files:
        assert _reveal(risk_officer, customer, expected) == before[customer.pk]


def test_a_tampered_value_stops_the_rekey_and_its_batch_is_not_committed(operator, risk_officer):
    customer, expected = _full_file(operator)
    key_before = CustomerDataKey.objects.get(customer=customer).key_id
    token = customer.email_sealed
    Customer.objects.filter(pk=customer.pk).update(
        email_sealed=token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    )

    with pytest.raises(CommandError, match="run the same command again"):
        call_command("keys", "rotate", "--data-keys", stdout=io.StringIO())

    assert CustomerDataKey.objects.get(customer=customer).key_id == key_before
    expected.pop(("email", None))
    assert _reveal(risk_officer, customer, expected)  # the rest still opens with the old key
    assert not AuditRecord.objects.filter(action="keys.data_keys_rekeyed").exists()


def test_keys_rotate_blind_index_rebuilds_every_index_and_search_works_throughout(
    settings, operator, risk_officer
):
    old_index_key = settings.FUNDGUARD_BLIND_INDEX_KEY  # a bare key: its id is b0
    files = [_full_file(operator) for _ in range(2)]
    # Per customer: the primary ID number and the beneficiary's card (both unique).
    searches = [
        (customer, value)
        for customer, expected in files
        for (field, _row), value in expected.items()
        if (field, _row) == ("id_number", None) or field == "beneficiary_account_number"
    ]
    numbers = [value for _c, value in searches]
    new_key = base64.b64encode(bytes(range(7, 39))).decode()
    settings.FUNDGUARD_BLIND_INDEX_KEY = f"b1:{new_key},b0:{old_index_key}"
    # Between the switch and the rebuild: old rows are still found and still count as taken.
    newcomer = customer_create(
        actor=operator,
        kind="person",
        name="新客户",
        id_type="cn_resident_id",
        id_number=(newcomer_id := resident_id()),
        country="CN",
    )
    assert IdentityDocument.objects.get(customer=newcomer).number_index_key_id == "b1"
    for customer, number in searches:
        assert [c.pk for c in customer_list(search=number)] == [customer.pk]
    with pytest.raises(DomainError) as taken:
        customer_create(
            actor=operator,
            kind="organization",
            name="重复",
            id_type="cn_uscc",
            id_number=numbers[0],
            country="CN",
        )
    assert taken.value.code == "id_number_taken"
    check = rows_check(
        [
            {
                "kind": "organization",
                "name": "重复",
                "id_type": "cn_uscc",
                "id_number": numbers[2],
                "country": "CN",
                "__row__": "2",
            }
        ]
    )
    assert [(p.field, str(p.reason)) for p in check.problems] == [
        ("id_number", "another customer already holds this number")
    ]
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    assert "blind-index key b0: 8 indexes" in status.getvalue()  # 2 x (2 IDs, account, payee)
    out = io.StringIO()

    call_command("keys", "rotate", "--blind-index", stdout=out)

    assert "blind-index key b1: 8 blind indexes rebuilt" in out.getvalue()
    settings.FUNDGUARD_BLIND_INDEX_KEY = f"b1:{new_key}"  # the old key retired
    for model, _purpose in INDEXED:
        assert set(model.objects.values_list("number_index_key_id", flat=True)) == {"b1"}
    for customer, number in searches:
        assert [c.pk for c in customer_list(search=number)] == [customer.pk]
    assert [c.pk for c in customer_list(search=newcomer_id)] == [newcomer.pk]
    again = io.StringIO()
    call_command("keys", "rotate", "--blind-index", stdout=again)
    assert "0 blind indexes rebuilt" in again.getvalue()
    records = AuditRecord.objects.filter(action="keys.blind_indexes_rebuilt")
    assert sum(r.changes["rows"][1] for r in records) == 8
    assert not [n for n in numbers if n in str([r.changes for r in records])]
