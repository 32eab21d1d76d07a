"""Sending one notification: an e-mail through Django's backend, or a signed webhook POST.

Nothing here writes to the database; ``services.delivery`` records what :func:`send` returns.
A failure that another attempt cannot cure (the customer was erased, the endpoint deactivated)
is ``undeliverable``; anything else that is not a success is retried.
"""

from __future__ import annotations

import http.client
import smtplib
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from fundguard.core.errors import DomainError
from fundguard.customers.masking import mask_value
from fundguard.customers.models import Customer
from fundguard.customers.vault import vault_for
from fundguard.notifications.conf import setting
from fundguard.notifications.endpoint_secrets import secret_open
from fundguard.notifications.events import event_title
from fundguard.notifications.models import AttemptOutcome, Channel, Notification
from fundguard.notifications.signing import webhook_body, webhook_signature

DETAIL_MAX_CHARS = 500
USER_AGENT = "FundGuard-Webhooks/1"
# The answer's body is read (so that the connection ends cleanly) but not kept.
RESPONSE_READ_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class SendResult:
    outcome: AttemptOutcome
    http_status: int | None = None
    detail: str = ""


class _Undeliverable(Exception):
    """No attempt could succeed; the message says why (without personal data)."""


def send(notification: Notification) -> SendResult:
    try:
        if notification.channel == Channel.webhook:
            return webhook_post(notification)
        return email_send(notification)
    except _Undeliverable as exc:
        return SendResult(AttemptOutcome.undeliverable, detail=str(exc))


# --- e-mail ------------------------------------------------------------------------------


def _email_address(notification: Notification) -> str:
    if notification.staff_user is not None:
        if not notification.staff_user.is_active or not notification.staff_user.email:
            raise _Undeliverable("the staff user is disabled or has no e-mail address")
        return notification.staff_user.email
    customer = notification.customer
    assert customer is not None  # the one_recipient constraint
    if not customer.email_sealed:
        raise _Undeliverable("the customer has no e-mail address")
    try:
        return vault_for(customer.pk).open(Customer, "email", customer.email_sealed)
    except DomainError as exc:  # personal_data_erased or personal_data_unreadable
        raise _Undeliverable(f"the e-mail address cannot be read: {exc.code}") from exc


def email_render(notification: Notification) -> tuple[str, str]:
    """Subject and plain-text body in the notification's language."""
    data = notification.payload
    context = {"title": event_title(notification.event), "data": data, "event": notification.event}
    with translation.override(notification.language):
        subject = render_to_string("notifications/email/subject.txt", context)
        body = render_to_string("notifications/email/body.txt", context)
    return " ".join(subject.split()), body


def email_send(notification: Notification) -> SendResult:
    address = _email_address(notification)
    subject, body = email_render(notification)
    connection = get_connection(timeout=setting("NOTIFICATIONS_SEND_TIMEOUT_SECONDS"))
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        connection=connection,
        headers={
            "Content-Language": translation.to_language(notification.language),
            "Auto-Submitted": "auto-generated",
            "X-FundGuard-Event": notification.event,
            "X-FundGuard-Delivery": str(notification.pk),
        },
    )
    try:
        message.send()
    except smtplib.SMTPResponseException as exc:
        detail = f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
        return SendResult(AttemptOutcome.refused, detail=_without(detail, address))
    except (smtplib.SMTPException, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return SendResult(AttemptOutcome.unreachable, detail=_without(detail, address))
    return SendResult(AttemptOutcome.delivered, detail="accepted by the e-mail backend")


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _without(detail: str, address: str) -> str:
    """The log keeps no clear e-mail address, even when the server echoes it."""
    return detail.replace(address, mask_value(address))[:DETAIL_MAX_CHARS]


# --- webhooks ----------------------------------------------------------------------------


def webhook_post(notification: Notification) -> SendResult:
    endpoint = notification.endpoint
    assert endpoint is not None  # the one_recipient constraint
    if not endpoint.is_active:
        raise _Undeliverable("the endpoint was deactivated")
    try:
        secret = secret_open(endpoint)
    except DomainError as exc:
        raise _Undeliverable(f"the signing secret cannot be read: {exc.code}") from exc
    body = webhook_body(
        notification_id=notification.pk,
        event=notification.event,
        created_at=notification.created_at,
        data=notification.payload,
    )
    timestamp = str(int(time.time()))  # the real clock: receivers check it against theirs
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-FundGuard-Event": notification.event,
        "X-FundGuard-Delivery": str(notification.pk),
        "X-FundGuard-Timestamp": timestamp,
        "X-FundGuard-Signature": webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        status, reason = _post(endpoint.url, body, headers)
    except (http.client.HTTPException, OSError, ValueError) as exc:
        detail = f"{type(exc).__name__}: {exc}"[:DETAIL_MAX_CHARS]
        return SendResult(AttemptOutcome.unreachable, detail=detail)
    if 200 <= status < 300:
        return SendResult(AttemptOutcome.delivered, http_status=status)
    # A redirect is an answer, not a new address: it is not followed, and fails the attempt.
    return SendResult(AttemptOutcome.refused, http_status=status, detail=reason[:DETAIL_MAX_CHARS])


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST with http.client (header names as written, no redirects, no proxy); status, reason."""
    parts = urlsplit(url)
    timeout = setting("NOTIFICATIONS_SEND_TIMEOUT_SECONDS")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    elif parts.scheme == "http":
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    else:
        raise ValueError("the endpoint URL is not http or https")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_MAX_BYTES)
        return response.status, response.reason
    finally:
        connection.close()
