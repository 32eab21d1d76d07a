"""Who hears about a payment's fate: listeners called inside the status report's transaction.

The transfers app registers one in its ``AppConfig.ready()``: on ``rejected`` it returns the
money to the customer and fails the transfer, on ``settled`` it completes it. A listener that
raises rolls the whole import back (nothing of the report is applied).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from fundguard.payments.models import PaymentOrder

Outcome = Literal["accepted", "settled", "rejected"]


class StatusListener(Protocol):
    def __call__(self, *, order: PaymentOrder, outcome: Outcome, reason: str, actor: Any) -> None:
        """Act on ``order`` having reached ``outcome`` (``reason`` is the bank's, if any)."""


_LISTENERS: list[StatusListener] = []


def register_status_listener(listener: StatusListener) -> None:
    """Add ``listener``; registering the same function twice keeps one."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def status_listeners_notify(
    *, order: PaymentOrder, outcome: Outcome, reason: str, actor: Any
) -> None:
    """Call every listener in the order registered. Must run inside the import's transaction."""
    for listener in list(_LISTENERS):
        listener(order=order, outcome=outcome, reason=reason, actor=actor)
