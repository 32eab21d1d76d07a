"""Staff sign-in in two steps (password, then one-time code), in Chinese and in English."""

# ruff: noqa: RUF001  (Chinese text uses full-width punctuation by design)

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from fundguard.audit.models import AuditRecord
from fundguard.core.otp import current_code

from .conftest import Journey
from .steps import EN, ZH, code_step, figures, password_step

pytestmark = pytest.mark.browser

GENERIC_FAILURE_ZH = "登录失败，请检查用户名、密码和一次性验证码。"


def test_approver_signs_in_with_code_in_chinese_then_switches_to_english(
    journey: Journey, make_user: Any
) -> None:
    # given an approver, who must give a one-time code after the password
    approver = make_user("approver_l1")
    make_user("operator")
    page = journey.page

    # when they sign in from a browser that asks for Chinese
    page.goto(journey.url("/"))
    expect(page).to_have_url(re.compile(r"/signin/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    password_step(page, approver.username)
    expect(page).to_have_url(re.compile(r"/signin/code/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("一次性验证码")
    expect(page.get_by_text("请输入身份验证器应用中显示的六位一次性验证码。")).to_be_visible()
    journey.screenshot("signin-code-zh")
    code_step(page, current_code(approver))

    # then the dashboard shows, in Chinese, the real number of active users and their role
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    active = str(User.objects.filter(is_active=True).count())
    assert figures(page)["启用中的用户"] == active
    expect(page.locator(".who")).to_have_text(f"{approver.username} · 一级审批人（复核）")
    navigation = page.get_by_role("navigation", name="主导航")
    expect(navigation.get_by_role("link", name="工作台")).to_be_visible()
    expect(navigation.get_by_role("link", name="审计轨迹")).to_have_count(0)
    journey.screenshot("dashboard-zh")

    # when they switch to English with the button in the top bar
    page.get_by_role("button", name="English").click()

    # then the same page speaks English
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert figures(page)["Active users"] == active
    expect(page.locator(".who")).to_have_text(f"{approver.username} · Approver L1")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    journey.assert_offline_and_csp_clean()


def test_sign_in_in_english_after_choosing_it_on_the_sign_in_page(
    journey: Journey, make_user: Any
) -> None:
    # given a level-3 approver on the (Chinese) sign-in page
    approver = make_user("approver_l3")
    page = journey.page
    page.goto(journey.url("/signin/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

    # when they choose English and sign in
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    password_step(page, approver.username, EN)
    expect(page.get_by_role("heading", level=1)).to_have_text("One-time code")
    instructions = "Enter the six-digit code from your authenticator app."
    expect(page.get_by_text(instructions)).to_be_visible()
    code_step(page, current_code(approver), EN)

    # then the dashboard is in English with real figures
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert figures(page)["Active users"] == str(User.objects.filter(is_active=True).count())
    expect(page.locator(".who")).to_have_text(f"{approver.username} · Approver L3")

    # and signing out brings back the sign-in page, still in English
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    journey.assert_offline_and_csp_clean()


def test_wrong_code_shows_the_generic_message_and_does_not_sign_in(
    journey: Journey, make_user: Any
) -> None:
    # given an approver past the password step
    approver = make_user("approver_l1")
    page = journey.page
    page.goto(journey.url("/signin/"))
    password_step(page, approver.username, ZH)
    expect(page.get_by_role("heading", level=1)).to_have_text("一次性验证码")
    failures_before = AuditRecord.objects.filter(action="auth.signin_failed").count()

    # when they type a wrong code
    wrong = f"{(int(current_code(approver)) + 1) % 1_000_000:06d}"
    code_step(page, wrong, ZH)

    # then the one generic message shows, the failure is audited, and nothing is signed in
    expect(page.get_by_role("alert")).to_have_text(GENERIC_FAILURE_ZH)
    expect(page).to_have_url(re.compile(r"/signin/code/$"))
    failures = AuditRecord.objects.filter(action="auth.signin_failed")
    assert failures.count() == failures_before + 1
    assert failures.latest("seq").changes == {"stage": [None, "otp"]}
    page.goto(journey.url("/"))
    expect(page).to_have_url(re.compile(r"/signin/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    journey.assert_offline_and_csp_clean()


def test_wrong_password_shows_the_same_generic_message(journey: Journey, make_user: Any) -> None:
    approver = make_user("approver_l2")
    page = journey.page
    page.goto(journey.url("/signin/"))

    page.get_by_label("用户名").fill(approver.username)
    page.get_by_label("密码").fill("not-the-password-at-all")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("alert")).to_have_text(GENERIC_FAILURE_ZH)
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    journey.assert_offline_and_csp_clean()
