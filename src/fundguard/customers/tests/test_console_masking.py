"""Every console page under /customers/, for every role that may view but not reveal: no
personal value in clear, whichever page, export or search (the API's twin is in test_api)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from fundguard.customers import urls
from fundguard.customers.models import RiskRating
from fundguard.customers.services import funds_account_open, risk_override_propose
from fundguard.customers.tests.test_console_more import _signed_in
from fundguard.customers.tests.test_encryption import _full_file

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return str([list(r) for r in book.worksheets[0].iter_rows(values_only=True)])
    return response.content.decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("role", ["operator", "auditor", "approver_l1"])
def test_no_console_page_shows_a_personal_value_to_a_role_without_reveal(
    make_user, operator, risk_officer, role
):
    customer, expected = _full_file(operator)
    funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    risk_override_propose(actor=risk_officer, customer_id=customer.pk, level="high", reason="x")
    rating = RiskRating.objects.filter(customer=customer).latest("pk")
    secrets = [v for v in expected.values()] + [re.sub(r"\D", "", expected[("phone", None)])]
    user = make_user(role)
    assert not user.has_perm("customers.reveal_personal_data")
    client: Client = _signed_in(user)
    kwargs = {"customer_id": customer.pk, "rating_id": rating.pk}
    responses = [client.get("/")]  # the dashboard
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = set(pattern.pattern.regex.groupindex)
        if "file_format" in names:
            for file_format in ("csv", "xlsx"):
                responses.append(
                    client.get(reverse("customers:customer_list_export", args=[file_format]))
                )
            continue
        url = reverse(f"customers:{pattern.name}", kwargs={k: kwargs[k] for k in names})
        responses.append(client.get(url))
    number = expected[("id_number", None)]
    responses.append(client.post("/customers/", {"search": number}, HTTP_HX_REQUEST="true"))
    responses.append(client.post(f"/customers/{customer.pk}/reveal/", {"field": "id_number"}))

    assert responses[-1].status_code == 403
    assert all(r.status_code in (200, 403, 405) for r in responses), [
        (r.request["PATH_INFO"], r.status_code) for r in responses
    ]
    assert sum(r.status_code == 200 for r in responses) >= 6
    for response in responses:
        text = _text(response)
        leaked = [s for s in secrets if s in text]
        assert leaked == [], (response.request["PATH_INFO"], leaked)
    search = responses[-2].content.decode()
    assert f"/customers/{customer.pk}/" in search  # found by number, shown masked
    assert "****" + number[-4:] in search
