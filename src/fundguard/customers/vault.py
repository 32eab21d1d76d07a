"""A customer's data key at work: sealing and opening their personal fields and files.

Every sealed value is bound (AES-GCM associated data) to ``<table>.<field>#<customer id>``, so a
ciphertext moved to another field or customer fails to open. A failure to open is never
swallowed: it raises ``personal_data_unreadable`` (and is logged), except after erasure, which
raises ``personal_data_erased``.
"""

from __future__ import annotations

import logging
import secrets

from django.db import models
from django.utils import timezone

from fundguard.core import crypto
from fundguard.core.errors import DomainError
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer, CustomerDataKey

logger = logging.getLogger(__name__)

DEK_ID_PREFIX = "d"


def _wrap_context(customer_id: int, dek_id: str) -> str:
    return f"customers.customer#{customer_id}|{dek_id}"


def _field_context(model: type[models.Model] | models.Model, field: str, customer_id: int) -> str:
    return f"{model._meta.db_table}.{field}#{customer_id}"


class Vault:
    """Seals and opens one customer's values with their (unwrapped) data key."""

    def __init__(self, *, customer_id: int, dek_id: str, dek: bytes) -> None:
        self.customer_id = customer_id
        self._dek_id = dek_id
        self._dek = dek

    def seal(self, model: type[models.Model] | models.Model, field: str, value: str) -> str:
        if not value:
            return ""
        context = _field_context(model, field, self.customer_id)
        return crypto.seal_text(value, key=self._dek, key_id=self._dek_id, context=context)

    def seal_bytes(self, model: type[models.Model] | models.Model, field: str, data: bytes) -> str:
        context = _field_context(model, field, self.customer_id)
        return crypto.seal(data, key=self._dek, key_id=self._dek_id, context=context)

    def open(self, model: type[models.Model] | models.Model, field: str, token: str) -> str:
        if not token:
            return ""
        return self.open_bytes(model, field, token).decode("utf-8")

    def open_bytes(self, model: type[models.Model] | models.Model, field: str, token: str) -> bytes:
        context = _field_context(model, field, self.customer_id)
        try:
            return crypto.open_sealed(token, key=self._dek, key_id=self._dek_id, context=context)
        except crypto.DecryptionFailed as exc:
            logger.error("sealed value failed to open: %s (%s)", context, exc)
            raise DomainError(CustomerError.personal_data_unreadable, field=field) from exc


def vault_create(customer: Customer) -> Vault:
    """Give a new customer a data key (inside the caller's transaction)."""
    ring = crypto.configured_key_ring()
    dek = crypto.key_generate()
    dek_id = DEK_ID_PREFIX + secrets.token_hex(8)
    wrapped = crypto.dek_wrap(dek, ring=ring, context=_wrap_context(customer.pk, dek_id))
    CustomerDataKey.objects.create(
        customer=customer, key_id=dek_id, master_key_id=wrapped.key_id, wrapped=wrapped.token
    )
    return Vault(customer_id=customer.pk, dek_id=dek_id, dek=dek)


def vault_for(customer: Customer | int) -> Vault:
    """The vault of an existing customer; refused once the customer's key is destroyed."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    key = CustomerDataKey.objects.filter(customer_id=customer_id).first()
    if key is None or key.destroyed_at is not None or not key.wrapped:
        raise DomainError(CustomerError.personal_data_erased)
    try:
        dek = crypto.dek_unwrap(
            key.wrapped,
            ring=crypto.configured_key_ring(),
            context=_wrap_context(customer_id, key.key_id),
        )
    except crypto.DecryptionFailed as exc:
        logger.error("data key of customer %s failed to unwrap: %s", customer_id, exc)
        raise DomainError(CustomerError.personal_data_unreadable) from exc
    return Vault(customer_id=customer_id, dek_id=key.key_id, dek=dek)


def data_key_destroy(customer: Customer) -> bool:
    """Crypto-shred: forget the wrapped data key. Returns False if it was already gone."""
    updated = CustomerDataKey.objects.filter(customer=customer, destroyed_at__isnull=True).update(
        wrapped="", master_key_id="", destroyed_at=timezone.now()
    )
    return updated == 1


def data_key_rewrap(key: CustomerDataKey, ring: crypto.KeyRing) -> bool:
    """Re-wrap one data key under the active master key; False if it already was."""
    if key.destroyed_at is not None or key.master_key_id == ring.active_id:
        return False
    rewrapped = crypto.dek_rewrap(
        key.wrapped, ring=ring, context=_wrap_context(key.customer_id, key.key_id)
    )
    key.wrapped, key.master_key_id = rewrapped.token, rewrapped.key_id
    key.rewrapped_at = timezone.now()
    key.save(update_fields=["wrapped", "master_key_id", "rewrapped_at"])
    return True


def index_of(value: str, purpose: str) -> str:
    """The blind index of a value for exact search (``purpose``: id_number, account_number)."""
    return crypto.blind_index(value, key=crypto.configured_blind_index_key(), purpose=purpose)
