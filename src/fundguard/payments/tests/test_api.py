"""The payments API: the published file download, the role x action matrix, JSON refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fundguard.core.roles import Role
from fundguard.payments import services
from fundguard.payments.models import PaymentFile
from fundguard.payments.sandbox import SandboxAnswer, pain002_render
from fundguard.payments.tests.conftest import row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(bearer, make_user) -> Callable[[str], Client]:
    """``api("operator")``: a client whose requests carry a fresh token of a new user."""

    def client_for(role: str) -> Client:
        return Client(headers={"Accept-Language": "en", **bearer(make_user(role))})

    return client_for


@pytest.fixture
def released(company_account, queue, operator, releaser) -> PaymentFile:
    company = company_account("pain001_09")
    queue(company, creditor_name="深圳前海微众科技有限公司")
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    return services.payment_file_release(actor=releaser, payment_file_id=built.pk)


def test_get_payment_file_returns_the_exact_xml_bytes(api, released):
    response = api("auditor").get(f"/api/v1/payment-files/{released.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content == bytes(PaymentFile.objects.get(pk=released.pk).content)
    assert released.file_name in response["Content-Disposition"]


def test_an_unreleased_file_is_not_downloadable_but_its_meta_is(
    api, company_account, queue, operator
):
    company = company_account("pain001_09")
    queue(company, amount_minor=150)
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    client = api("approver_l2")

    download = client.get(f"/api/v1/payment-files/{built.pk}")
    meta = client.get(f"/api/v1/payment-files/{built.pk}/meta")

    assert download.status_code == 409
    assert download.json()["code"] == "payment_file_not_released"
    assert meta.status_code == 200
    assert meta.json()["control_sum"] == "1.50"
    assert meta.json()["orders"][0]["amount"] == "1.50"


def test_build_release_and_status_report_through_the_api(api, company_account, queue):
    company = company_account("pain001_03")
    order = queue(company)

    built = api("operator").post(
        "/api/v1/payment-files", {"company_account": company.pk}, content_type="application/json"
    )
    assert built.status_code == 201, built.json()
    file_id = built.json()["id"]
    released = api("approver_l3").post(f"/api/v1/payment-files/{file_id}/release")
    assert released.status_code == 200, released.json()
    assert released.json()["status"] == "released"
    xml_bytes = pain002_render(
        [SandboxAnswer(order.end_to_end_id, order.amount_minor, "CNY", "RJCT", "AC04", "closed")],
        original_message_id=built.json()["message_id"],
        created_at=order.created_at,
    )

    report = api("operator").post(
        "/api/v1/payment-status-reports", xml_bytes, content_type="application/xml"
    )

    assert report.status_code == 201, report.json()
    assert report.json()["rejected"] == 1
    again = api("operator").post(
        "/api/v1/payment-status-reports", xml_bytes, content_type="application/xml"
    )
    assert again.status_code == 409
    assert again.json() == {
        "code": "status_report_already_imported",
        "message": f"This status report was already imported (report #{report.json()['id']}).",
        "field": "content",
    }


def test_company_account_create_refusal_names_the_field(api):
    response = api("operator").post(
        "/api/v1/company-accounts",
        {
            "name": "Acme",
            "bank_name": "Bank",
            "account_number": "12345678",
            "currency": "USD",
            "country": "CN",
            "rail": "cn_bank_batch",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "rail_needs_cny"
    assert response.json()["field"] == "currency"


READERS = {
    "operator",
    "approver_l1",
    "approver_l2",
    "approver_l3",
    "risk_officer",
    "auditor",
    "integration",
}
MATRIX = {
    "list_files": READERS,
    "list_company_accounts": READERS,
    "create_company_account": {"operator"},
    "build_file": {"operator", "integration"},
    "release_file": {"approver_l2", "approver_l3"},
    "import_report": {"operator", "integration"},
}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_matrix(api, role, action, company_account, queue, operator):
    company = company_account("pain001_09")
    queue(company)
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    client = api(role)
    before = row_counts()
    requests = {
        "list_files": lambda: client.get("/api/v1/payment-files"),
        "list_company_accounts": lambda: client.get("/api/v1/company-accounts"),
        "create_company_account": lambda: client.post(
            "/api/v1/company-accounts",
            {
                "name": "Second account",
                "bank_name": "中国银行",
                "account_number": "9988776655",
                "currency": "CNY",
                "country": "CN",
                "rail": "sandbox",
            },
            content_type="application/json",
        ),
        "build_file": lambda: (
            queue(company),
            client.post(
                "/api/v1/payment-files",
                {"company_account": company.pk},
                content_type="application/json",
            ),
        )[1],
        "release_file": lambda: client.post(f"/api/v1/payment-files/{built.pk}/release"),
        "import_report": lambda: client.post(
            "/api/v1/payment-status-reports",
            b"<Document><CstmrPmtStsRpt><GrpHdr><MsgId>1</MsgId></GrpHdr>"
            b"<OrgnlGrpInfAndSts><OrgnlMsgId>" + built.message_id.encode() + b"</OrgnlMsgId>"
            b"<GrpSts>RCVD</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>",
            content_type="application/xml",
        ),
    }

    response = requests[action]()

    if role in MATRIX[action]:
        assert response.status_code in (200, 201), (role, action, response.content)
    else:
        assert response.status_code == 403, (role, action, response.content)
        assert response.json()["code"] == "permission_denied"
        if action != "build_file":
            assert row_counts() == before
