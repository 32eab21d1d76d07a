"""Tampering with the stored audit trail: `fundguard audit verify` names the first bad record.

Each test appends a chain, suspends the append-only triggers (as an attacker with database
access would), tampers with raw SQL, restores the triggers and runs the verifier.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import _suspend_append_only_triggers
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from fundguard.audit.chain import link_hash
from fundguard.audit.models import AuditChainHead, AuditCheckpoint, AuditRecord
from fundguard.audit.services import audit_record

CHECKPOINT_INTERVAL = 5
APPENDED = 23
FAR = 1_000_000  # a sequence number no real record reaches, for moving rows out of the way
REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def chain(db: Any, settings: Any) -> list[int]:
    """APPENDED fresh records after whatever migrate wrote; returns the seq of each."""
    settings.AUDIT_CHECKPOINT_INTERVAL = CHECKPOINT_INTERVAL
    seqs = []
    for i in range(APPENDED):
        with transaction.atomic():
            record = audit_record(
                actor=None,
                action="test.appended",
                object_type="test.thing",
                object_id=str(i),
                changes={"amount_minor": [i, i + 1], "note": [None, f"note {i}"]},
            )
        seqs.append(record.seq)
    assert _verify_problem() is None
    return seqs


def _tamper(sql: str, params: list[Any] | None = None) -> None:
    restore = _suspend_append_only_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        restore()


def _verify_problem() -> str | None:
    try:
        call_command("audit", "verify", stdout=open(os.devnull, "w"))  # noqa: SIM115
    except CommandError as exc:
        return str(exc)
    return None


def _assert_first_bad(seq: int, kind: str) -> None:
    problem = _verify_problem()
    assert problem is not None, "tampering went unnoticed"
    assert f"record #{seq}: {kind}" in problem, problem


def _one_char_changed(text: str) -> str:
    return ("X" if text[:1] != "X" else "Y") + text[1:]


def _forge(seq: int, prev_hash: str) -> AuditRecord:
    record = AuditRecord(
        seq=seq,
        occurred_at=timezone.now(),
        actor_username="mallory",
        action="transfer.approved",
        object_type="transfers.transfer",
        object_id="42",
        changes={"status": ["pending", "approved"]},
        request_id="forged",
        prev_hash=prev_hash,
    )
    record.hash = link_hash(prev_hash, record.chain_fields())
    return record


def _row(seq: int) -> AuditRecord:
    return AuditRecord.objects.get(seq=seq)


def test_the_triggers_are_back_after_tampering(chain):
    _tamper("UPDATE audit_auditrecord SET action = 'x' WHERE seq = %s", [chain[0]])

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(seq=chain[1]).update(action="y")


@pytest.mark.parametrize(
    "column", ["action", "actor_username", "object_type", "object_id", "request_id", "prev_hash"]
)
def test_an_edited_character_is_named(chain, column):
    target = chain[7]
    old = getattr(_row(target), column)

    _tamper(
        f"UPDATE audit_auditrecord SET {column} = %s WHERE seq = %s",
        [_one_char_changed(old), target],
    )

    _assert_first_bad(target, "broken_link" if column == "prev_hash" else "edited")


def test_an_edited_time_of_one_microsecond_is_named(chain):
    target = chain[3]
    moved = _row(target).occurred_at + timedelta(microseconds=1)

    _tamper("UPDATE audit_auditrecord SET occurred_at = %s WHERE seq = %s", [moved, target])

    _assert_first_bad(target, "edited")


def test_an_edited_amount_inside_the_changes_is_named(chain):
    target = chain[11]
    changes = _row(target).changes
    changes["amount_minor"][1] += 1
    cast = "::jsonb" if connection.vendor == "postgresql" else ""

    _tamper(
        f"UPDATE audit_auditrecord SET changes = %s{cast} WHERE seq = %s",
        [json.dumps(changes), target],
    )

    assert _row(target).changes["amount_minor"][1] == 12 + 1
    _assert_first_bad(target, "edited")


def test_an_edited_last_record_with_a_recomputed_hash_is_caught_by_the_chain_head(chain):
    last = _row(chain[-1])
    last.actor_username = "mallory"
    new_hash = link_hash(last.prev_hash, last.chain_fields())

    _tamper(
        "UPDATE audit_auditrecord SET actor_username = 'mallory', hash = %s WHERE seq = %s",
        [new_hash, last.seq],
    )

    _assert_first_bad(last.seq, "edited")


@pytest.mark.parametrize("position", [0, 9, APPENDED - 1], ids=["first", "middle", "last"])
def test_a_deleted_record_is_named(chain, position):
    target = chain[position]

    _tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [target])

    kind = "truncated" if position == APPENDED - 1 else "missing"
    _assert_first_bad(target, kind)


def test_a_forged_record_appended_beyond_the_head_is_named(chain):
    last = _row(chain[-1])

    _forge(last.seq + 1, last.hash).save(force_insert=True)

    _assert_first_bad(last.seq + 1, "inserted")


def test_a_forged_record_inserted_mid_chain_breaks_the_link_of_the_record_after_it(chain):
    # seq is unique, so an insertion moves every later record up by one first.
    target = chain[12]
    _tamper("UPDATE audit_auditrecord SET seq = seq + %s WHERE seq >= %s", [FAR, target])
    _tamper("UPDATE audit_auditrecord SET seq = seq - %s WHERE seq >= %s", [FAR - 1, FAR])

    _forge(target, _row(target - 1).hash).save(force_insert=True)

    # The forged record is consistent in itself; the genuine one after it no longer links.
    _assert_first_bad(target + 1, "broken_link")


def test_a_forged_record_on_a_checkpoint_is_named_by_the_checkpoint(chain):
    target = next(s for s in chain[1:] if s % CHECKPOINT_INTERVAL == 0)
    _tamper("UPDATE audit_auditrecord SET seq = seq + %s WHERE seq >= %s", [FAR, target])
    _tamper("UPDATE audit_auditrecord SET seq = seq - %s WHERE seq >= %s", [FAR - 1, FAR])

    _forge(target, _row(target - 1).hash).save(force_insert=True)

    _assert_first_bad(target, "checkpoint_mismatch")


@pytest.mark.parametrize(("a", "b"), [(2, 3), (4, 17)], ids=["neighbours", "far_apart"])
def test_two_swapped_records_are_named_at_the_earlier_position(chain, a, b):
    first, second = chain[a], chain[b]

    _tamper("UPDATE audit_auditrecord SET seq = %s WHERE seq = %s", [FAR, first])
    _tamper("UPDATE audit_auditrecord SET seq = %s WHERE seq = %s", [first, second])
    _tamper("UPDATE audit_auditrecord SET seq = %s WHERE seq = %s", [second, FAR])

    _assert_first_bad(first, "broken_link")


def test_a_truncated_tail_is_caught_by_the_chain_head(chain):
    keep_through = chain[15]

    _tamper("DELETE FROM audit_auditrecord WHERE seq > %s", [keep_through])

    _assert_first_bad(keep_through + 1, "truncated")


def test_a_truncated_tail_with_a_rewound_head_is_caught_by_a_checkpoint(chain):
    checkpoint = AuditCheckpoint.objects.filter(seq__gte=chain[0]).order_by("-seq").first()
    assert checkpoint is not None
    keep_through = checkpoint.seq - 2

    _tamper("DELETE FROM audit_auditrecord WHERE seq > %s", [keep_through])
    AuditChainHead.objects.filter(pk=1).update(seq=keep_through, hash=_row(keep_through).hash)

    _assert_first_bad(keep_through + 1, "truncated")


def test_checkpoints_are_written_every_interval(chain):
    expected = [s for s in chain if s % CHECKPOINT_INTERVAL == 0]

    stored = list(AuditCheckpoint.objects.filter(seq__gte=chain[0]).values_list("seq", "hash"))

    assert stored == [(s, _row(s).hash) for s in expected]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _fundguard_audit_verify() -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=_database_url())
    return subprocess.run(
        [str(Path(sys.executable).with_name("fundguard")), "audit", "verify"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_the_fundguard_command_exits_non_zero_naming_the_first_bad_record(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = CHECKPOINT_INTERVAL
    for i in range(8):
        with transaction.atomic():
            last = audit_record(actor=None, action="test.appended", object_id=str(i))
    intact = _fundguard_audit_verify()
    assert intact.returncode == 0, intact.stderr
    assert f"{last.seq} records" in intact.stdout

    _tamper("UPDATE audit_auditrecord SET object_id = '99' WHERE seq = %s", [last.seq - 3])
    broken = _fundguard_audit_verify()

    assert broken.returncode != 0
    assert f"record #{last.seq - 3}: edited" in broken.stderr


def test_records_appended_while_verifying_are_not_a_false_alarm(chain, monkeypatch):
    from fundguard.audit import selectors

    reading = selectors._links

    def append_then_read(*args, **kwargs):
        # Someone signs in between the verifier reading the chain head and reading the records.
        with transaction.atomic():
            audit_record(actor=None, action="test.appended_during_verify")
        return reading(*args, **kwargs)

    monkeypatch.setattr(selectors, "_links", append_then_read)

    assert _verify_problem() is None


def test_a_forged_record_far_beyond_the_head_is_named_by_its_own_number(chain):
    last = _row(chain[-1])

    _forge(last.seq + 5, last.hash).save(force_insert=True)

    _assert_first_bad(last.seq + 5, "inserted")


def test_a_checkpoint_appended_while_verifying_is_not_a_false_alarm(chain, monkeypatch, settings):
    from fundguard.audit import selectors

    settings.AUDIT_CHECKPOINT_INTERVAL = 1  # the next append also writes a checkpoint
    reading = selectors._links

    def append_then_read(*args, **kwargs):
        with transaction.atomic():
            audit_record(actor=None, action="test.appended_during_verify")
        return reading(*args, **kwargs)

    monkeypatch.setattr(selectors, "_links", append_then_read)

    assert _verify_problem() is None


@pytest.mark.parametrize(
    "value", [1e16, 1.5e300, -0.0, 0.1 + 0.2, float("nan"), 10**30, "1e16"], ids=repr
)
def test_values_the_database_rewrites_never_cause_a_false_alarm(db, value):
    # PostgreSQL's jsonb gives 1e16 back as 10000000000000000 and -0.0 as 0.
    with transaction.atomic():
        record = audit_record(actor=None, action="test.values", changes={"v": [None, value]})

    assert _verify_problem() is None
    stored = AuditRecord.objects.get(pk=record.pk).changes["v"][1]
    assert stored == (json.dumps(value) if isinstance(value, float) else value)
