"""The audit hash chain, apart from storage.

Each record's hash is SHA-256 over the previous record's hash and a canonical JSON of its own
fields. Records carry a gapless sequence number; a chain head and periodic checkpoints remember
the latest (sequence, hash) so that a cut-off tail is noticed too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    payload = prev_hash + "\n" + canonical_json(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    prev_hash: str
    hash: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Mark:
    """A remembered position: the chain head or a checkpoint."""

    seq: int
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # edited, broken_link, missing, out_of_order, inserted, truncated, ...
    detail: str

    def __str__(self) -> str:
        return f"record #{self.seq}: {self.kind}: {self.detail}"


def verify_chain(
    links: Iterable[Link], *, head: Mark | None, checkpoints: Iterable[Mark] = ()
) -> ChainProblem | None:
    """Return the first problem found, or None for an intact chain.

    ``links`` must come in ascending ``seq`` order (as stored); a record whose sequence number
    does not follow its predecessor's names the first sequence number that is wrong.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    wanted = {m.seq: m.hash for m in checkpoints}
    for link in links:
        if link.seq < expected_seq:
            return ChainProblem(link.seq, "out_of_order", f"expected #{expected_seq}")
        if link.seq > expected_seq:
            return ChainProblem(expected_seq, "missing", f"next record found is #{link.seq}")
        if link.prev_hash != prev_hash:
            return ChainProblem(link.seq, "broken_link", "does not point at the record before it")
        if link_hash(link.prev_hash, link.fields) != link.hash:
            return ChainProblem(link.seq, "edited", "its content does not match its hash")
        if link.seq in wanted and wanted[link.seq] != link.hash:
            return ChainProblem(link.seq, "checkpoint_mismatch", "differs from its checkpoint")
        prev_hash = link.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    beyond = [seq for seq in wanted if seq > last_seq]
    head_seq = head.seq if head is not None else last_seq
    if head_seq > last_seq or beyond:
        missing_to = max([head_seq, *beyond])
        return ChainProblem(
            last_seq + 1, "truncated", f"records #{last_seq + 1} to #{missing_to} are missing"
        )
    if head is not None and head.seq < last_seq:
        return ChainProblem(head.seq + 1, "inserted", "stands beyond the chain head")
    if head is not None and head.seq == last_seq and last_seq > 0 and head.hash != prev_hash:
        return ChainProblem(last_seq, "edited", "differs from the chain head")
    return None
