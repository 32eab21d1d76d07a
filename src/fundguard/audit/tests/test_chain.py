"""The pure hash chain (no database): every single tampering is caught at the right record.

Chains of random length are built with :func:`link_hash`; each test applies one mutation of a
kind and checks that :func:`verify_chain` reports a problem naming the first record that fails.
Seeds are fixed, so a failure names a reproducible case.
"""

from __future__ import annotations

import dataclasses
import random
import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundguard.audit.chain import GENESIS_HASH, Link, Mark, link_hash, verify_chain

MUTATIONS_PER_KIND = 150
TEXT_FIELDS = ("occurred_at", "actor_username", "action", "object_type", "object_id", "request_id")


@dataclasses.dataclass
class Chain:
    links: list[Link]
    head: Mark
    checkpoints: list[Mark]

    def verify(self) -> Any:
        return verify_chain(self.links, head=self.head, checkpoints=self.checkpoints)


def _word(rng: random.Random, lo: int = 1, hi: int = 12) -> str:
    return "".join(rng.choice(string.ascii_letters + "é中-_.") for _ in range(rng.randint(lo, hi)))


def _fields(rng: random.Random, seq: int) -> dict[str, Any]:
    return {
        "seq": seq,
        "occurred_at": f"2026-11-{rng.randint(10, 28)}T0{rng.randint(0, 9)}:00:00.000000+00:00",
        "actor_id": rng.choice([None, rng.randint(1, 99)]),
        "actor_username": _word(rng),
        "actor_role": rng.choice(["", "operator", "auditor"]),
        "action": f"{_word(rng, 3, 8)}.{_word(rng, 3, 8)}",
        "object_type": _word(rng, 0, 10),
        "object_id": str(rng.randint(1, 10_000)),
        "changes": {_word(rng, 1, 6): [None, _word(rng, 1, 6)] for _ in range(rng.randint(0, 3))},
        "request_id": _word(rng, 8, 16),
        "client_ip": rng.choice(["", "127.0.0.1", "2001:db8::1"]),
    }


def _chain_from(fields_list: list[dict[str, Any]], interval: int) -> Chain:
    links: list[Link] = []
    prev = GENESIS_HASH
    for fields in fields_list:
        current = link_hash(prev, fields)
        links.append(Link(seq=fields["seq"], prev_hash=prev, hash=current, fields=fields))
        prev = current
    checkpoints = [Mark(link.seq, link.hash) for link in links if link.seq % interval == 0]
    return Chain(links=links, head=Mark(len(links), prev), checkpoints=checkpoints)


def _random_chain(rng: random.Random, min_length: int = 1) -> Chain:
    length = rng.randint(min_length, 40)
    return _chain_from([_fields(rng, seq) for seq in range(1, length + 1)], rng.randint(2, 8))


def _other_char(rng: random.Random, old: str) -> str:
    return rng.choice([c for c in string.ascii_letters + string.digits + "中" if c != old])


def _edit_one_char(rng: random.Random, text: str) -> str:
    if not text:
        return rng.choice(string.ascii_letters)
    at = rng.randrange(len(text))
    return text[:at] + _other_char(rng, text[at]) + text[at + 1 :]


def _edit_hex_char(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice([c for c in "0123456789abcdef" if c != text[at]]) + text[at + 1 :]


def _forged(rng: random.Random, seq: int, prev_hash: str) -> Link:
    fields = _fields(rng, seq) | {"action": "transfer.approved", "actor_username": "mallory"}
    return Link(seq=seq, prev_hash=prev_hash, hash=link_hash(prev_hash, fields), fields=fields)


def _hash_before(chain: Chain, seq: int) -> str:
    return chain.links[seq - 2].hash if seq > 1 else GENESIS_HASH


# Each mutation changes the chain in place and returns the seq of the first bad record.
Mutation = Callable[[random.Random, Chain], int]


def edit_a_field(rng: random.Random, chain: Chain) -> int:
    """One character of one stored field changes; the stored hash stays."""
    i = rng.randrange(len(chain.links))
    link = chain.links[i]
    fields = dict(link.fields)
    if rng.random() < 0.2 and fields["changes"]:
        key = rng.choice(sorted(fields["changes"]))
        fields["changes"] = fields["changes"] | {key: [None, _edit_one_char(rng, key)]}
    else:
        name = rng.choice(TEXT_FIELDS)
        fields[name] = _edit_one_char(rng, fields[name])
    chain.links[i] = dataclasses.replace(link, fields=fields)
    return link.seq


def edit_a_stored_hash(rng: random.Random, chain: Chain) -> int:
    i = rng.randrange(len(chain.links))
    name = rng.choice(["hash", "prev_hash"])
    link = chain.links[i]
    chain.links[i] = dataclasses.replace(link, **{name: _edit_hex_char(rng, getattr(link, name))})
    return link.seq


def delete_a_record(rng: random.Random, chain: Chain) -> int:
    i = rng.randrange(len(chain.links))
    return chain.links.pop(i).seq


def insert_a_forged_record(rng: random.Random, chain: Chain) -> int:
    """A record with a correct hash over fake content, chained from the record before it."""
    seq = rng.randint(1, len(chain.links) + 1)
    chain.links.insert(seq - 1, _forged(rng, seq, _hash_before(chain, seq)))
    return seq


def insert_a_forged_record_renumbering_the_rest(rng: random.Random, chain: Chain) -> int:
    """The forged record takes seq s and every later record moves up by one.

    The forged record is itself consistent, so the first record that *fails* is the next one
    (its link no longer points at its predecessor) unless a checkpoint sits on the forged
    record; beyond the tail, the head catches it.
    """
    seq = rng.randint(1, len(chain.links) + 1)
    forged = _forged(rng, seq, _hash_before(chain, seq))
    later = [
        dataclasses.replace(link, seq=link.seq + 1, fields=dict(link.fields, seq=link.seq + 1))
        for link in chain.links[seq - 1 :]
    ]
    chain.links[seq - 1 :] = [forged, *later]
    if not later or seq in {m.seq for m in chain.checkpoints}:
        return seq  # beyond the head, or a checkpoint remembers the genuine record #seq
    return seq + 1


def swap_two_records(rng: random.Random, chain: Chain) -> int:
    """Two records change places, each keeping its own sequence number."""
    i, j = sorted(rng.sample(range(len(chain.links)), 2))
    chain.links[i], chain.links[j] = chain.links[j], chain.links[i]
    return i + 1


def swap_two_records_renumbered(rng: random.Random, chain: Chain) -> int:
    """Two records exchange sequence numbers (as a swap in a table ordered by seq looks)."""
    i, j = sorted(rng.sample(range(len(chain.links)), 2))
    a, b = chain.links[i], chain.links[j]
    chain.links[i] = dataclasses.replace(b, seq=a.seq, fields=dict(b.fields, seq=a.seq))
    chain.links[j] = dataclasses.replace(a, seq=b.seq, fields=dict(a.fields, seq=b.seq))
    return a.seq


def truncate_the_tail(rng: random.Random, chain: Chain) -> int:
    keep = rng.randrange(len(chain.links))
    del chain.links[keep:]
    return keep + 1


def truncate_the_tail_and_rewind_the_head(rng: random.Random, chain: Chain) -> int:
    """The head is rewritten to the new last record; a later checkpoint still knows better."""
    latest_checkpoint = max(m.seq for m in chain.checkpoints)
    keep = rng.randrange(latest_checkpoint)
    del chain.links[keep:]
    chain.head = Mark(keep, chain.links[-1].hash if chain.links else GENESIS_HASH)
    return keep + 1


TWO_RECORDS = {swap_two_records, swap_two_records_renumbered}
NEEDS_CHECKPOINT = {truncate_the_tail_and_rewind_the_head}
MUTATIONS: list[Mutation] = [
    edit_a_field,
    edit_a_stored_hash,
    delete_a_record,
    insert_a_forged_record,
    insert_a_forged_record_renumbering_the_rest,
    swap_two_records,
    swap_two_records_renumbered,
    truncate_the_tail,
    truncate_the_tail_and_rewind_the_head,
]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda m: m.__name__)
def test_every_single_mutation_is_detected_at_the_first_bad_record(mutate: Mutation):
    rng = random.Random(f"audit-chain-{mutate.__name__}")
    done = 0
    while done < MUTATIONS_PER_KIND:
        chain = _random_chain(rng, min_length=2 if mutate in TWO_RECORDS else 1)
        if mutate in NEEDS_CHECKPOINT and not chain.checkpoints:
            continue
        assert chain.verify() is None
        length = len(chain.links)

        expected_seq = mutate(rng, chain)
        problem = chain.verify()

        case = f"{mutate.__name__} #{done} on a chain of {length}: expected #{expected_seq}"
        assert problem is not None, f"undetected: {case}"
        assert problem.seq == expected_seq, f"{case}, got {problem}"
        done += 1


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), length=st.integers(0, 60))
def test_untouched_chains_never_raise_an_alarm(seed, length):
    rng = random.Random(seed)
    chain = _chain_from([_fields(rng, s) for s in range(1, length + 1)], rng.randint(1, 10))

    assert chain.verify() is None


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.text(max_size=30), min_size=1, max_size=20),
    numbers=st.lists(st.integers() | st.none() | st.floats(allow_nan=False), max_size=5),
)
def test_untouched_chains_of_arbitrary_unicode_and_json_values_verify(texts, numbers):
    fields_list = [
        {"seq": seq, "actor_username": text, "changes": {"n": numbers, "t": [text, None]}}
        for seq, text in enumerate(texts, start=1)
    ]

    assert _chain_from(fields_list, interval=3).verify() is None


def test_an_empty_chain_with_a_genesis_head_is_intact():
    assert verify_chain([], head=Mark(0, GENESIS_HASH), checkpoints=[]) is None


def test_an_empty_chain_whose_head_remembers_records_is_truncated():
    problem = verify_chain([], head=Mark(3, "f" * 64), checkpoints=[])

    assert problem is not None
    assert (problem.seq, problem.kind) == (1, "truncated")


def test_the_chain_head_catches_an_edit_of_the_last_record_even_if_its_hash_is_recomputed():
    rng = random.Random(7)
    chain = _random_chain(rng, min_length=3)
    last = chain.links[-1]
    fields = dict(last.fields, actor_username="mallory")
    chain.links[-1] = dataclasses.replace(
        last, fields=fields, hash=link_hash(last.prev_hash, fields)
    )

    problem = chain.verify()

    assert problem is not None
    assert (problem.seq, problem.kind) == (last.seq, "edited")


def test_a_checkpoint_catches_a_rewrite_of_the_whole_tail_including_the_head():
    rng = random.Random(11)
    chain = _chain_from([_fields(rng, s) for s in range(1, 21)], interval=5)
    # Rewrite records 8..20 consistently (fresh hashes all the way, head moved along).
    prev = chain.links[6].hash
    for i in range(7, 20):
        fields = dict(chain.links[i].fields, actor_username="mallory")
        current = link_hash(prev, fields)
        chain.links[i] = dataclasses.replace(
            chain.links[i], prev_hash=prev, hash=current, fields=fields
        )
        prev = current
    chain.head = Mark(20, prev)

    problem = chain.verify()

    assert problem is not None
    assert (problem.seq, problem.kind) == (10, "checkpoint_mismatch")


def test_a_problem_reads_as_a_sentence_naming_the_record():
    rng = random.Random(3)
    chain = _random_chain(rng, min_length=5)
    del chain.links[2]

    assert str(chain.verify()).startswith("record #3: missing")
