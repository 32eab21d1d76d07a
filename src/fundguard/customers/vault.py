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
from fundguard.customers.models import (
    BankAccount,
    BeneficialOwner,
    Beneficiary,
    Customer,
    CustomerDataKey,
    CustomerDocument,
    IdentityDocument,
)

logger = logging.getLogger(__name__)

DEK_ID_PREFIX = "d"

# Every place a sealed value lives: (model, column, the field name bound into its AAD). A new
# sealed column must be listed here (or, in another app, registered with sealed_place_register),
# or a data-key rotation would leave it under the old key.
_SEALED_PLACES: list[tuple[type[models.Model], str, str]] = [
    (Customer, "phone_sealed", "phone"),
    (Customer, "email_sealed", "email"),
    (Customer, "address_sealed", "address"),
    (Customer, "legal_representative_id_sealed", "legal_representative_id"),
    (IdentityDocument, "number_sealed", "number"),
    (BankAccount, "number_sealed", "number"),
    (Beneficiary, "number_sealed", "number"),
    (BeneficialOwner, "id_sealed", "id_number"),
    (CustomerDocument, "filename_sealed", "filename"),
    (CustomerDocument, "content_sealed", "content"),
]


def sealed_place_register(model: type[models.Model], column: str, field: str) -> None:
    """Another app's column sealed under the customer's data key (the model has a ``customer``
    foreign key): a data-key rotation re-seals it with the rest. Called from ``ready()``."""
    if (model, column, field) not in _SEALED_PLACES:
        _SEALED_PLACES.append((model, column, field))


def sealed_places() -> tuple[tuple[type[models.Model], str, str], ...]:
    """Every (model, column, field) sealed under a customer's data key."""
    return tuple(_SEALED_PLACES)


# Blind-indexed numbers: (model, purpose of the HMAC).
INDEXED: tuple[tuple[type[IdentityDocument | BankAccount | Beneficiary], str], ...] = (
    (IdentityDocument, "id_number"),
    (BankAccount, "account_number"),
    (Beneficiary, "account_number"),
)


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

    @property
    def key_id(self) -> str:
        return self._dek_id

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


def _new_data_key(customer_id: int) -> tuple[Vault, crypto.WrappedKey]:
    """A fresh data key, wrapped under the active master key."""
    ring = crypto.configured_key_ring()
    dek = crypto.key_generate()
    dek_id = DEK_ID_PREFIX + secrets.token_hex(8)
    wrapped = crypto.dek_wrap(dek, ring=ring, context=_wrap_context(customer_id, dek_id))
    return Vault(customer_id=customer_id, dek_id=dek_id, dek=dek), wrapped


def vault_create(customer: Customer) -> Vault:
    """Give a new customer a data key (inside the caller's transaction)."""
    vault, wrapped = _new_data_key(customer.pk)
    CustomerDataKey.objects.create(
        customer=customer, key_id=vault.key_id, master_key_id=wrapped.key_id, wrapped=wrapped.token
    )
    return vault


def _vault_of(key: CustomerDataKey | None, customer_id: int) -> Vault:
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


def vault_for(customer: Customer | int) -> Vault:
    """The vault of an existing customer; refused once the customer's key is destroyed."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    return _vault_of(CustomerDataKey.objects.filter(customer_id=customer_id).first(), customer_id)


def data_key_replace(key: CustomerDataKey) -> tuple[int, int]:
    """Give one customer a fresh data key and re-seal every value of theirs under it.

    Runs inside the caller's transaction, with the customer row locked: the new key and every
    re-sealed value are committed together, or none is. Each token names its data key
    (``fg1.<data key id>....``), and a value is opened only with the key it names. Returns how
    many values and how many of them files were re-sealed.
    """
    old = _vault_of(key, key.customer_id)
    new, wrapped = _new_data_key(key.customer_id)
    values = files = 0
    for model, column, field in sealed_places():
        rows = model._default_manager.filter(
            **({"pk": key.customer_id} if model is Customer else {"customer_id": key.customer_id})
        ).exclude(**{column: ""})
        for pk, token in list(rows.values_list("pk", column)):
            resealed = new.seal_bytes(model, field, old.open_bytes(model, field, token))
            model._default_manager.filter(pk=pk).update(**{column: resealed})
            values += 1
            files += column == "content_sealed"
    key.key_id, key.master_key_id, key.wrapped = new.key_id, wrapped.key_id, wrapped.token
    key.rekeyed_at = key.rewrapped_at = timezone.now()
    key.save(update_fields=["key_id", "master_key_id", "wrapped", "rekeyed_at", "rewrapped_at"])
    return values, files


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
    """The blind index of a value under the active blind-index key (new and rebuilt rows)."""
    return crypto.blind_index(value, key=crypto.configured_blind_index_key(), purpose=purpose)


def index_key_id() -> str:
    """The id of the active blind-index key, stored with every index it makes."""
    return crypto.configured_blind_index_ring().active_id


def indexes_of(value: str, purpose: str) -> list[str]:
    """The value's index under every blind-index key in the ring (active first): what a search
    or a duplicate check looks for, so that rows not yet rebuilt under a new key still match."""
    ring = crypto.configured_blind_index_ring()
    return [crypto.blind_index(value, key=key, purpose=purpose) for key in ring.keys.values()]
