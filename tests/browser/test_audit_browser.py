"""The auditor's audit-trail browser: list, htmx filters, chain verification."""

# ruff: noqa: RUF001  (Chinese text uses full-width punctuation by design)

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from fundguard.audit.models import AuditRecord

from .conftest import Journey
from .steps import figures, password_step

pytestmark = pytest.mark.browser


def test_auditor_browses_filters_and_verifies_the_audit_trail(
    journey: Journey, make_user: Any
) -> None:
    # given some history: users created, and an auditor (who signs in with a password only)
    for role in ("operator", "approver_l1", "risk_officer"):
        make_user(role)
    auditor = make_user("auditor")
    page = journey.page

    page.goto(journey.url("/signin/"))
    password_step(page, auditor.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    shown = figures(page)
    assert shown["审计记录总数"] == str(AuditRecord.objects.count())
    assert shown["近 24 小时登录失败"] == "0"
    journey.screenshot("dashboard-auditor-zh")

    # when they open the audit trail from the navigation
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计轨迹").click()

    # then every record is listed, newest first
    expect(page.get_by_role("heading", level=1)).to_have_text("审计轨迹")
    rows = page.locator("#audit-table tbody tr")
    total = AuditRecord.objects.count()
    expect(rows).to_have_count(total)
    expect(page.get_by_text(f"共 {total} 条记录")).to_be_visible()
    newest = rows.first.locator("td")
    expect(newest.nth(2)).to_have_text(auditor.username)
    expect(newest.nth(3)).to_have_text("稽核审计员")  # the role's label, not its code
    expect(newest.nth(4)).to_have_text("auth.signed_in")
    journey.screenshot("audit-trail-zh")

    # when they filter by action, htmx swaps the table in place (no page load)
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("操作", exact=True).fill("auth.")
    page.get_by_role("button", name="筛选").click()

    # then only sign-in records remain, and the URL can be bookmarked
    signed_in = AuditRecord.objects.filter(action__startswith="auth.").count()
    assert 0 < signed_in < total
    expect(rows).to_have_count(signed_in)
    expect(page.get_by_text(f"共 {signed_in} 条记录")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]action=auth\."))
    assert page.evaluate("window.__sameDocument") is True
    assert any("action=auth." in url for url in journey.htmx_request_urls)

    # when the filter matches nothing
    page.get_by_label("操作", exact=True).fill("no.such.action")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("没有符合条件的记录。")).to_be_visible()

    # when they verify the chain
    page.get_by_role("link", name="校验审计链").click()

    # then it is intact, every record checked
    checked = AuditRecord.objects.count()
    expect(page.get_by_role("status")).to_have_text(f"审计链完整：已校验 {checked} 条记录。")
    journey.assert_offline_and_csp_clean()


def test_an_operator_cannot_open_the_audit_trail(journey: Journey, make_user: Any) -> None:
    # given an operator (no one-time code needed, no audit permission)
    operator = make_user("operator")
    page = journey.page
    page.goto(journey.url("/signin/"))
    password_step(page, operator.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")

    # the navigation does not offer the audit trail, and the page refuses
    expect(page.get_by_role("link", name="审计轨迹")).to_have_count(0)
    page.goto(journey.url("/audit/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
    assert AuditRecord.objects.filter(
        action="auth.permission_denied", actor_username=operator.username
    ).exists()
    journey.assert_offline_and_csp_clean()
