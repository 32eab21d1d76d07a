"""Key rotation (``fundguard keys rotate``), in batches of one transaction each, audited.

Three levels, from cheap to thorough (docs/customers.md, "How to rotate keys"):

* :func:`data_keys_rotate` re-wraps every customer's data key under the active master key;
  the sealed values do not change (one row per customer).
* :func:`data_keys_rekey` gives each customer a fresh data key and re-seals every value and
  file of theirs under it (``--data-keys``): for a data key that may have leaked.
* :func:`blind_indexes_rebuild` recomputes every blind index under the active blind-index key
  (``--blind-index``); until it is done, searches try every key of the ring.

Each batch commits on its own, so an interrupted run leaves every row readable and searchable
and a second run carries on where it stopped (what is done no longer matches the selection).
Audit records carry counts and ids, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core import crypto
from fundguard.customers.models import Customer, CustomerDataKey
from fundguard.customers.services._common import check
from fundguard.customers.vault import (
    INDEXED,
    data_key_replace,
    data_key_rewrap,
    index_key_id,
    index_of,
    vault_for,
)

ROTATE_BATCH = 500
REKEY_BATCH = 50
REINDEX_BATCH = 500


@dataclass(frozen=True)
class RotationReport:
    active_key_id: str
    total: int
    rewrapped: int
    already_current: int
    destroyed: int


def data_keys_rotate(*, actor: Any = None, batch_size: int = ROTATE_BATCH) -> RotationReport:
    """Re-wrap every customer data key under the newest master key, in batches.

    Sealed fields need no change: they are sealed with the data key, which stays the same. An
    old master key may be removed from the ring once a rotation reports nothing left under it.
    """
    check(actor, "core.manage_settings")
    ring = crypto.configured_key_ring()
    rewrapped = current = destroyed = total = 0
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            keys = list(
                CustomerDataKey.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")[:batch_size]
            )
            if not keys:
                break
            for key in keys:
                total += 1
                if key.destroyed_at is not None:
                    destroyed += 1
                elif data_key_rewrap(key, ring):
                    rewrapped += 1
                else:
                    current += 1
            last_pk = keys[-1].pk
    report = RotationReport(
        active_key_id=ring.active_id,
        total=total,
        rewrapped=rewrapped,
        already_current=current,
        destroyed=destroyed,
    )
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action="keys.rotated",
            object_type="customers.customerdatakey",
            changes={
                "active_key_id": [None, report.active_key_id],
                "total": [None, total],
                "rewrapped": [None, rewrapped],
                "already_current": [None, current],
                "destroyed": [None, destroyed],
            },
        )
    return report


@dataclass(frozen=True)
class RekeyReport:
    before: datetime
    customers: int
    values: int
    files: int
    batches: int


def _older_than(before: datetime) -> Q:
    """Data keys given out before ``before`` (created, or last re-keyed), not destroyed."""
    return Q(destroyed_at__isnull=True) & (
        Q(rekeyed_at__lt=before) | Q(rekeyed_at__isnull=True, created_at__lt=before)
    )


def data_keys_rekey(
    *, actor: Any = None, before: datetime | None = None, batch_size: int = REKEY_BATCH
) -> RekeyReport:
    """Give every customer whose data key dates from before ``before`` (default: now) a fresh
    data key, and re-seal all their values and files under it.

    One transaction per batch of customers, their rows locked in primary-key order: a
    customer's new key and every re-sealed value commit together. Customers done have a key
    newer than ``before``, so running again with the same ``before`` resumes the work, and once
    all is done changes nothing. Erased customers (key destroyed) are left as they are. Each
    batch writes ``keys.data_keys_rekeyed`` (customer ids, counts).
    """
    check(actor, "core.manage_settings")
    before = before or timezone.now()
    customers = values = files = batches = 0
    last_customer_id = 0
    while True:
        with transaction.atomic(durable=True):
            ids = list(
                CustomerDataKey.objects.filter(
                    _older_than(before), customer_id__gt=last_customer_id
                )
                .order_by("customer_id")
                .values_list("customer_id", flat=True)[:batch_size]
            )
            if not ids:
                break
            # The same lock order as every customer write: the customer row first.
            list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
            keys = list(
                CustomerDataKey.objects.select_for_update()
                .filter(_older_than(before), customer_id__in=ids)
                .order_by("customer_id")
            )
            batch_values = batch_files = 0
            for key in keys:
                resealed, resealed_files = data_key_replace(key)
                batch_values += resealed
                batch_files += resealed_files
            audit_record(
                actor=actor,
                action="keys.data_keys_rekeyed",
                object_type="customers.customerdatakey",
                changes={
                    "before": [None, before.isoformat()],
                    "customers": [None, len(keys)],
                    "customer_ids": [None, [key.customer_id for key in keys]],
                    "values_resealed": [None, batch_values],
                    "files_resealed": [None, batch_files],
                    "master_key_id": [None, crypto.configured_key_ring().active_id],
                },
            )
            customers += len(keys)
            values += batch_values
            files += batch_files
            batches += 1
            last_customer_id = ids[-1]
    return RekeyReport(
        before=before, customers=customers, values=values, files=files, batches=batches
    )


@dataclass(frozen=True)
class ReindexReport:
    index_key_id: str
    rows: int
    batches: int


def blind_indexes_rebuild(*, actor: Any = None, batch_size: int = REINDEX_BATCH) -> ReindexReport:
    """Recompute every blind index not made with the active blind-index key.

    The number is opened with its customer's data key (the old blind-index key is not needed)
    and indexed under the active key, whose id the row then carries. One transaction per batch,
    customers locked in primary-key order; rows done no longer match, so a second run resumes
    or does nothing. Until the last batch, searches and duplicate checks try every key of the
    ring. Each batch writes ``keys.blind_indexes_rebuilt`` (table, row count, key id).
    """
    check(actor, "core.manage_settings")
    active = index_key_id()
    rows = batches = 0
    for model, purpose in INDEXED:
        stale = model.objects.exclude(number_index="").exclude(number_index_key_id=active)
        while True:
            with transaction.atomic(durable=True):
                ids = list(stale.order_by("pk").values_list("pk", flat=True)[:batch_size])
                if not ids:
                    break
                customer_ids = sorted(
                    set(model.objects.filter(pk__in=ids).values_list("customer_id", flat=True))
                )
                # The same lock order as every customer write: the customer rows first.
                list(
                    Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk")
                )
                batch = list(
                    stale.select_for_update()
                    .filter(pk__in=ids)
                    .order_by("pk")
                    .values_list("pk", "customer_id", "number_sealed")
                )
                vaults = {cid: vault_for(cid) for _pk, cid, _token in batch}
                for pk, cid, token in batch:
                    number = vaults[cid].open(model, "number", token)
                    model.objects.filter(pk=pk).update(
                        number_index=index_of(number, purpose), number_index_key_id=active
                    )
                audit_record(
                    actor=actor,
                    action="keys.blind_indexes_rebuilt",
                    object_type=model._meta.label_lower,
                    changes={
                        "rows": [None, len(batch)],
                        "first_id": [None, ids[0]],
                        "last_id": [None, ids[-1]],
                        "index_key_id": [None, active],
                    },
                )
                rows += len(batch)
                batches += 1
    return ReindexReport(index_key_id=active, rows=rows, batches=batches)
