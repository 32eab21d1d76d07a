"""An operator builds a customer file in the console: register 张三 with a resident ID, add a
bank account, open a CNY funds account, find the customer again by ID number. The ID number is
shown masked on every page, and nothing leaves the live server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from fundguard.audit.models import AuditRecord
from fundguard.core.otp import current_code
from fundguard.customers.models import Customer, CustomerFundsAccount
from fundguard.customers.services import customer_create
from fundguard.customers.tests.conftest import card_number, resident_id

from .conftest import Journey
from .steps import EN, code_step, password_step

pytestmark = pytest.mark.browser


def _masked_on_this_page(page: Any, *secrets: str) -> None:
    html = page.content()
    for secret in secrets:
        assert secret not in html, f"{secret[-4:]} shown in full on {page.url}"


def test_operator_builds_a_customer_file_and_finds_it_by_id_number(
    journey: Journey, make_user: Any
) -> None:
    # given an operator (no one-time code needed) and a valid resident ID (male, born 1990)
    operator = make_user("operator")
    number = resident_id("19900307", "110105", "123")
    card = card_number()
    page = journey.page

    # when they sign in, in English (the labels below stay stable as the catalogue grows)
    page.goto(journey.url("/signin/"))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    password_step(page, operator.username, EN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    # and register a person with a Chinese name from the customer list
    page.get_by_role("link", name="Customers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    page.get_by_role("link", name="New customer").click()
    journey.screenshot("customer-new-form")
    page.get_by_label("Name (Chinese)").fill("张三")
    page.get_by_label("Name (Latin script)").fill("ZHANG San")
    page.locator("select[name=id_type]").select_option("cn_resident_id")
    # a wrong check digit first
    page.get_by_label("ID number", exact=True).fill("110105199003071230")
    page.get_by_label("Gender").select_option("male")
    page.get_by_label("Phone").fill("13800138000")
    page.get_by_role("button", name="Register the customer").click()

    # then the form names the field and why, and nothing is saved
    id_field = page.locator(".field:has(input[name=id_number])")
    expect(id_field.locator(".error")).to_contain_text("checksum")
    assert not Customer.objects.exists()

    # when they correct the number
    id_field.locator("input").fill(number)
    page.get_by_role("button", name="Register the customer").click()

    # then the customer's 360 page shows the number masked
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    customer = Customer.objects.get()
    expect(page.locator("#id-number")).to_contain_text("****" + number[-4:])
    expect(page.get_by_role("button", name="Reveal")).to_have_count(0)  # operators cannot
    _masked_on_this_page(page, number, "13800138000")
    journey.screenshot("customer-360-new")

    # when they add a bank account (a Luhn-valid card)
    page.get_by_role("link", name="Add a bank account").click()
    page.get_by_label("Bank", exact=True).fill("中国工商银行")
    page.get_by_label("Account number").fill(card)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#bank-accounts")).to_contain_text("****" + card[-4:])
    _masked_on_this_page(page, number, card)

    # and open a CNY funds account
    page.get_by_role("link", name="Open a funds account").click()
    expect(page.get_by_label("Currency")).to_have_value("CNY")
    _masked_on_this_page(page, number)
    page.get_by_role("button", name="Save").click()

    # then the 360 page shows it with its ledger balance
    link = CustomerFundsAccount.objects.get(customer=customer)
    funds = page.locator("#funds-accounts")
    expect(funds).to_contain_text(link.account.code)
    expect(funds).to_contain_text("CNY")
    expect(funds.locator("td.num").first).to_have_text("0.00")
    expect(page.locator("#audit-h")).to_be_visible()
    expect(page.get_by_text("customer.funds_account_opened")).to_be_visible()
    _masked_on_this_page(page, number, card)
    journey.screenshot("customer-360-complete")

    # when they search the customer list by the ID number (htmx, the page stays)
    make_user("approver_l1")  # another customer-free user, to show the list filters
    page.get_by_role("link", name="Customers", exact=True).click()
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Name, ID or account number").fill(number)
    page.get_by_role("button", name="Search").click()

    # then the customer is found, shown masked, and the number is in no URL
    rows = page.locator("#customers tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三")
    expect(rows.first).to_contain_text("****" + number[-4:])
    expect(page.get_by_text(re.compile(r"Searched by ID or account number \*{4}"))).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    assert journey.htmx_request_urls
    assert not any(number in url for url in journey.request_urls)
    _masked_on_this_page(page, number, card)
    journey.screenshot("customer-search")

    # and the audit trail holds every step, masked
    actions = list(
        AuditRecord.objects.filter(object_id=str(customer.pk)).values_list("action", flat=True)
    )
    assert {
        "customer.created",
        "customer.bank_account_added",
        "customer.funds_account_opened",
    } <= set(actions)
    assert number not in str(list(AuditRecord.objects.values_list("changes", flat=True)))
    journey.assert_offline_and_csp_clean()


def test_a_risk_officer_reveals_a_number_and_an_auditor_sees_who_did(
    journey: Journey, make_user: Any
) -> None:
    # given a customer registered by an operator
    number = resident_id("19851212", "310101", "246")
    customer = customer_create(
        actor=make_user("operator"),
        kind="person",
        name="李四",
        id_type="cn_resident_id",
        id_number=number,
        country="CN",
    )
    officer = make_user("risk_officer")
    auditor = make_user("auditor")
    page = journey.page

    # when a risk officer (password and one-time code) opens the customer and reveals the number
    page.goto(journey.url("/signin/"))
    page.get_by_role("button", name="English").click()
    password_step(page, officer.username, EN)
    code_step(page, current_code(officer), EN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.goto(journey.url(f"/customers/{customer.pk}/"))
    _masked_on_this_page(page, number)
    page.locator("#id-number").get_by_role("button", name="Reveal").click()

    # then the clear number replaces the button in place, and the reveal is audited
    expect(page.locator("#id-number code.revealed")).to_have_text(number)
    assert any("/reveal/" in url for url in journey.htmx_request_urls)
    assert AuditRecord.objects.filter(
        action="customer.field_revealed", actor_username=officer.username
    ).exists()

    # when an auditor signs in and reads the audit trail
    page.get_by_role("button", name="Sign out").click()
    password_step(page, auditor.username, EN)
    page.goto(journey.url("/audit/?action=customer.field_revealed"))

    # then they see who revealed what, masked
    row = page.locator("#audit-table tbody tr").first
    expect(row).to_contain_text(officer.username)
    expect(row).to_contain_text("customer.field_revealed")
    expect(row).to_contain_text("****" + number[-4:])
    _masked_on_this_page(page, number)
    journey.assert_offline_and_csp_clean()
