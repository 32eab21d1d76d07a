"""Notifications test helpers: customers, and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import translation

from fundguard.customers.models import Customer
from fundguard.customers.services import customer_create
from fundguard.customers.tests.conftest import resident_id

PAYLOAD = {
    "transfer_id": 41,
    "reference": "TR-2025-000041",
    "status": "submitted",
    "amount": "12500.00",
    "currency": "CNY",
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


def make_customer(**overrides: Any) -> Customer:
    fields: dict[str, Any] = {
        "kind": "person",
        "name": "李四",
        "id_type": "cn_resident_id",
        "id_number": resident_id(),
        "country": "CN",
        "email": "li.si@example.cn",
    }
    fields.update(overrides)
    return customer_create(actor=None, **fields)


@pytest.fixture
def customer(db: Any) -> Customer:
    return make_customer()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]

    def signature_valid(self, secret: str) -> bool:
        """Verify as a receiver would: HMAC-SHA256 over ``timestamp.body``."""
        signed = self.headers["X-FundGuard-Timestamp"].encode() + b"." + self.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["X-FundGuard-Signature"])


@dataclass
class Receiver:
    """A webhook receiver answering with ``statuses`` in turn (the last one repeats)."""

    url: str
    statuses: list[int]
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, received: Received) -> int:
        with self.lock:
            self.requests.append(received)
            return self.statuses[min(len(self.requests), len(self.statuses)) - 1]


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(*statuses: int) -> Receiver:
        state: dict[str, Receiver] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = state["r"].answer(Received(dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        state["r"] = Receiver(url=f"http://{host}:{port}/hooks", statuses=list(statuses or [200]))
        return state["r"]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
