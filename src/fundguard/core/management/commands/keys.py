"""``fundguard keys``: personal-data keys (docs/customers.md).

* ``keys generate`` prints a new master key entry ``<id>:<base64>`` to put first in
  ``FUNDGUARD_DATA_KEYS`` (with ``--blind-index``: a ``b<date>:<base64>`` entry to put first in
  ``FUNDGUARD_BLIND_INDEX_KEY``);
* ``keys status`` shows the ring, how many data keys each master key wraps and how many blind
  indexes each blind-index key made;
* ``keys rotate`` re-wraps every customer data key under the active (first) master key;
  ``--data-keys`` also gives every customer a fresh data key and re-seals their values and files
  (``--before`` resumes an interrupted run); ``--blind-index`` rebuilds every blind index under
  the active (first) blind-index key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.dateparse import parse_datetime

from fundguard.core import crypto
from fundguard.core.errors import DomainError


class Command(BaseCommand):
    help = "Personal-data keys: generate, status, rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        generate = verbs.add_parser("generate", help="print a new master key entry")
        generate.add_argument("--id", default="", help="key id (default k<YYYYMMDDHHMM>)")
        generate.add_argument(
            "--blind-index", action="store_true", help="print a blind-index key entry instead"
        )
        verbs.add_parser("status", help="the ring and the data keys under each master key")
        rotate = verbs.add_parser(
            "rotate", help="re-wrap every data key under the active master key"
        )
        rotate.add_argument(
            "--data-keys",
            action="store_true",
            help="also give every customer a fresh data key and re-seal their values and files",
        )
        rotate.add_argument(
            "--before",
            default="",
            help="with --data-keys: re-key only data keys older than this ISO time (to resume)",
        )
        rotate.add_argument(
            "--blind-index",
            action="store_true",
            help="also rebuild every blind index under the first FUNDGUARD_BLIND_INDEX_KEY key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "generate":
            key = crypto.key_encode(crypto.key_generate())
            prefix = "b" if options["blind_index"] else "k"
            key_id = options["id"] or datetime.now(UTC).strftime(f"{prefix}%Y%m%d%H%M")
            self.stdout.write(f"{key_id}:{key}")
            return
        try:
            ring = crypto.configured_key_ring()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(f"FUNDGUARD_DATA_KEYS: {exc}", returncode=2) from None
        if verb == "status":
            self._status(ring)
            return
        before = None
        if options["before"]:
            try:
                before = parse_datetime(options["before"])
            except (ValueError, ValidationError):
                before = None
            if before is None or before.tzinfo is None:
                raise CommandError("--before: an ISO date and time with its offset", returncode=2)
        try:
            self._rotate(data_keys=options["data_keys"], before=before)
            if options["blind_index"]:
                self._reindex()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(f"FUNDGUARD_BLIND_INDEX_KEY: {exc}", returncode=2) from None
        except (crypto.DecryptionFailed, DomainError) as exc:
            raise CommandError(
                f"a data key could not be unwrapped, or a sealed value opened ({exc}); is an "
                "old master key missing from FUNDGUARD_DATA_KEYS? Batches before this one are "
                "done; run the same command again once it is fixed.",
                returncode=1,
            ) from None

    def _rotate(self, *, data_keys: bool, before: datetime | None) -> None:
        from fundguard.customers.services import data_keys_rekey, data_keys_rotate

        report = data_keys_rotate(actor=None)
        self.stdout.write(
            f"active key {report.active_key_id}: {report.total} data keys, "
            f"{report.rewrapped} re-wrapped, {report.already_current} already current, "
            f"{report.destroyed} destroyed (erased customers)"
        )
        if not data_keys:
            return
        before = before or datetime.now(UTC)
        self.stdout.write(
            f"re-keying data keys older than {before.isoformat()} "
            f"(if interrupted, run again with --before {before.isoformat()})"
        )
        rekeyed = data_keys_rekey(actor=None, before=before)
        self.stdout.write(
            f"{rekeyed.customers} customers given a new data key, {rekeyed.values} values "
            f"re-sealed ({rekeyed.files} files) in {rekeyed.batches} batches"
        )

    def _reindex(self) -> None:
        from fundguard.customers.services import blind_indexes_rebuild

        report = blind_indexes_rebuild(actor=None)
        self.stdout.write(
            f"blind-index key {report.index_key_id}: {report.rows} blind indexes rebuilt "
            f"in {report.batches} batches"
        )

    def _status(self, ring: crypto.KeyRing) -> None:
        from fundguard.customers.models import CustomerDataKey

        counts = dict(
            CustomerDataKey.objects.values_list("master_key_id")
            .annotate(n=Count("id"))
            .values_list("master_key_id", "n")
        )
        for key_id in ring.keys:
            marker = " (active)" if key_id == ring.active_id else ""
            self.stdout.write(f"{key_id}{marker}: {counts.pop(key_id, 0)} data keys")
        destroyed = counts.pop("", 0)
        for key_id, n in counts.items():
            self.stdout.write(f"{key_id} (MISSING from the ring): {n} data keys")
        self.stdout.write(f"destroyed: {destroyed} data keys")
        self._index_status()

    def _index_status(self) -> None:
        from fundguard.customers.vault import INDEXED

        try:
            ring = crypto.configured_blind_index_ring()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(f"FUNDGUARD_BLIND_INDEX_KEY: {exc}", returncode=2) from None
        counts: dict[str, int] = {}
        for model, _purpose in INDEXED:
            for key_id, n in (
                model.objects.exclude(number_index="")
                .values_list("number_index_key_id")
                .annotate(n=Count("id"))
                .values_list("number_index_key_id", "n")
            ):
                counts[key_id] = counts.get(key_id, 0) + n
        for key_id in ring.keys:
            marker = " (active)" if key_id == ring.active_id else ""
            self.stdout.write(f"blind-index key {key_id}{marker}: {counts.pop(key_id, 0)} indexes")
        for key_id, n in counts.items():
            self.stdout.write(
                f"blind-index key {key_id or '(unknown)'} (MISSING from the ring): {n} indexes"
            )
