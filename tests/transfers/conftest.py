"""The transfers test world (staff, limits, a funded verified customer, a sandbox bank account)."""

from fundguard.transfers.tests.conftest import _english_messages, world

__all__ = ["_english_messages", "world"]
