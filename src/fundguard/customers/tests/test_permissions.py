"""The role x action matrix: each role may do exactly its actions; a refusal writes nothing
but the audited denial."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.core.roles import Role
from fundguard.customers import services
from fundguard.customers.models import Customer, RiskRating
from fundguard.customers.tests.conftest import card_number, resident_id, row_counts

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nx"


def _customer() -> Customer:
    return services.customer_create(
        actor=None,
        kind="person",
        name="周九",
        id_type="cn_resident_id",
        id_number=resident_id(),
        country="CN",
        phone="13800138000",
    )


def _pending_override(customer: Customer, proposer: Any) -> RiskRating:
    return services.risk_override_propose(
        actor=proposer, customer_id=customer.pk, level="high", reason="adverse media"
    )


ACTIONS: dict[str, Callable[[Any, Customer, Any], Any]] = {
    "create": lambda actor, c, _: services.customer_create(
        actor=actor,
        kind="person",
        name="吴十",
        id_type="passport",
        id_number="E11223344",
        country="CN",
    ),
    "update": lambda actor, c, _: services.customer_update(
        actor=actor, customer_id=c.pk, changes={"occupation": "teacher"}
    ),
    "add_bank_account": lambda actor, c, _: services.bank_account_add(
        actor=actor,
        customer_id=c.pk,
        bank_name="中国银行",
        account_number=card_number(),
        currency="CNY",
    ),
    "add_beneficiary": lambda actor, c, _: services.beneficiary_add(
        actor=actor,
        customer_id=c.pk,
        name="郑十一",
        bank_name="中国银行",
        account_number=card_number(),
        currency="CNY",
    ),
    "upload_document": lambda actor, c, _: services.document_upload(
        actor=actor,
        customer_id=c.pk,
        kind="other",
        filename="a.pdf",
        content_type="application/pdf",
        content=PDF,
    ),
    "open_funds_account": lambda actor, c, _: services.funds_account_open(
        actor=actor, customer_id=c.pk, currency="CNY"
    ),
    "review_kyc": lambda actor, c, _: services.kyc_review_record(
        actor=actor, customer_id=c.pk, outcome="verified"
    ),
    "rate_risk": lambda actor, c, _: services.risk_rating_compute(actor=actor, customer_id=c.pk),
    "approve_override": lambda actor, c, rating: services.risk_override_approve(
        actor=actor, rating_id=rating.pk
    ),
    "set_credit": lambda actor, c, _: services.credit_profile_set(
        actor=actor, customer_id=c.pk, grade="A"
    ),
    "reveal": lambda actor, c, _: services.customer_field_reveal(
        actor=actor, customer_id=c.pk, field="phone"
    ),
    "erase": lambda actor, c, _: services.customer_erase(
        actor=actor, customer_id=c.pk, reason="PIPL request"
    ),
    "add_identity_document": lambda actor, c, _: services.identity_document_add(
        actor=actor, customer_id=c.pk, id_type="passport", id_number=f"P{c.pk:08d}"
    ),
    "classify": lambda actor, c, _: services.customer_classify(
        actor=actor, customer_id=c.pk, value_class="A"
    ),
    "propose_override": lambda actor, c, _: _pending_override(c, actor),
    "export_personal_data": lambda actor, c, _: services.customer_data_export(
        actor=actor, customer_id=c.pk
    ),
    "export_list": lambda actor, c, _: services.customer_list_export(
        actor=actor, filters={}, file_format="csv"
    ),
    "import": lambda actor, c, _: services.customers_import(
        actor=actor,
        filename="customers.csv",
        content=f"kind,name,id_type,id_number,country\nperson,郑十一,cn_resident_id,{resident_id()},CN\n".encode(),
    ),
    "rotate_keys": lambda actor, c, _: services.data_keys_rotate(actor=actor),
    "rekey_data_keys": lambda actor, c, _: services.data_keys_rekey(actor=actor),
    "rebuild_blind_indexes": lambda actor, c, _: services.blind_indexes_rebuild(actor=actor),
}
KEYS = {"rotate_keys", "rekey_data_keys", "rebuild_blind_indexes"}

OPERATOR = {
    "create",
    "update",
    "add_bank_account",
    "add_beneficiary",
    "upload_document",
    "open_funds_account",
    "add_identity_document",
    "import",
    "export_list",
}
RISK = {
    "review_kyc",
    "rate_risk",
    "approve_override",
    "set_credit",
    "reveal",
    "erase",
    "classify",
    "propose_override",
    "export_personal_data",
    "export_list",
}
ALLOWED: dict[Role, set[str]] = {
    Role.operator: OPERATOR,
    Role.integration: OPERATOR,
    Role.risk_officer: RISK,
    Role.approver_l1: {"export_list"},
    Role.approver_l2: {"export_list"},
    Role.approver_l3: {"export_list"},
    Role.auditor: {"export_list"},
    Role.admin: KEYS,
    Role.customer: set(),
}
VIEWERS = {
    Role.operator,
    Role.integration,
    Role.risk_officer,
    Role.approver_l1,
    Role.approver_l2,
    Role.approver_l3,
    Role.auditor,
}


def test_the_matrix_covers_every_role():
    assert set(ALLOWED) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_its_customer_actions(make_user, role):
    actor = make_user(role)
    proposer = make_user("risk_officer")
    done: set[str] = set()
    for name, action in ACTIONS.items():
        customer = _customer()
        rating = _pending_override(customer, proposer)
        before = row_counts()
        refusal = None
        try:
            action(actor, customer, rating)
        except DomainError as exc:
            refusal = exc.code
        if refusal is None:
            done.add(name)
            continue
        assert refusal == "permission_denied", (role, name, refusal)
        after = row_counts()
        assert after.pop("audit.AuditRecord") == before.pop("audit.AuditRecord") + 1
        assert after == before, (role, name)
        last = AuditRecord.objects.order_by("-seq").first()
        assert last.action == "auth.permission_denied"

    assert done == ALLOWED[role]
    assert actor.has_perm("customers.view_customers") == (role in VIEWERS)
    assert actor.has_perm("customers.reveal_personal_data") == (role == Role.risk_officer)


@pytest.mark.parametrize("role", [Role.admin, Role.customer])
def test_roles_without_view_are_refused_by_the_api(client, make_user, bearer, role):
    response = client.get("/api/v1/customers", headers=bearer(make_user(role)))

    assert response.status_code == 403
