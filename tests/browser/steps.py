"""Steps the browser tests share: sign in, read figures and tables."""

from __future__ import annotations

from typing import Any

from conftest import TEST_PASSWORD

ZH = {
    "username": "用户名",
    "password": "密码",
    "continue": "下一步",
    "code": "一次性验证码",
    "sign_in": "登录",
}
EN = {
    "username": "Username",
    "password": "Password",
    "continue": "Continue",
    "code": "One-time code",
    "sign_in": "Sign in",
}


def password_step(page: Any, username: str, words: dict[str, str] = ZH) -> None:
    page.get_by_label(words["username"]).fill(username)
    page.get_by_label(words["password"]).fill(TEST_PASSWORD)
    page.get_by_role("button", name=words["continue"]).click()


def code_step(page: Any, code: str, words: dict[str, str] = ZH) -> None:
    page.get_by_label(words["code"]).fill(code)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()


def figures(page: Any) -> dict[str, str]:
    """The dashboard's figures as {label: value}."""
    labels = page.locator(".figure-label").all_inner_texts()
    values = page.locator(".figure-value").all_inner_texts()
    return dict(zip(labels, values, strict=True))
