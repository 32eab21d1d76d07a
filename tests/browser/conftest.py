"""Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is launched once per test session. Every test gets a fresh browser context (its own
cookies) whose ``Journey`` records each request and console message, so a test can assert at
its end that nothing left the live server and that no Content-Security-Policy was violated.
Requests to any other origin are recorded and then aborted: the pages must work offline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import chromium_path, require_or_skip

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    path = chromium_path()
    require_or_skip(path is not None, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Journey:
    """One browser context's page plus what it asked for and what its console said."""

    page: Any
    origin: str
    request_urls: list[str] = field(default_factory=list)
    htmx_request_urls: list[str] = field(default_factory=list)
    console_messages: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path

    def assert_offline_and_csp_clean(self) -> None:
        assert self.request_urls, "the journey made no requests at all"
        foreign = [u for u in self.request_urls if not _same_origin(u, self.origin)]
        assert not foreign, f"resources from other origins: {foreign}"
        violations = [m for m in self.console_messages if "content security policy" in m.lower()]
        assert not violations, f"CSP violations: {violations}"

    def screenshot(self, name: str) -> None:
        """Save a full-page PNG when FUNDGUARD_SCREENSHOT_DIR is set (for a human to look at)."""
        directory = os.environ.get("FUNDGUARD_SCREENSHOT_DIR")
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def _same_origin(url: str, origin: str) -> bool:
    if url.startswith(("data:", "about:", "blob:")):
        return True
    a, b = urlsplit(url), urlsplit(origin)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


@pytest.fixture
def journey(chromium: Any, live_server: Any) -> Iterator[Journey]:
    # A browser in China asks for Chinese; zh-hans is also the site's default language.
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    result = Journey(page=page, origin=live_server.url)

    def on_request(request: Any) -> None:
        result.request_urls.append(request.url)
        if request.headers.get("hx-request") == "true":
            result.htmx_request_urls.append(request.url)

    def on_route(route: Any) -> None:
        if _same_origin(route.request.url, result.origin):
            route.continue_()
        else:
            route.abort()

    context.on("request", on_request)
    context.route("**/*", on_route)
    page.on("console", lambda message: result.console_messages.append(message.text))
    try:
        yield result
    finally:
        context.close()
