"""``fundguard keys``: personal-data keys (docs/customers.md).

* ``keys generate`` prints a new master key entry ``<id>:<base64>`` to put first in
  ``FUNDGUARD_DATA_KEYS`` (and a blind-index key with ``--blind-index``);
* ``keys status`` shows the ring and how many data keys each master key wraps;
* ``keys rotate`` re-wraps every customer data key under the active (first) master key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from fundguard.core import crypto


class Command(BaseCommand):
    help = "Personal-data keys: generate, status, rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        generate = verbs.add_parser("generate", help="print a new master key entry")
        generate.add_argument("--id", default="", help="key id (default k<YYYYMMDDHHMM>)")
        generate.add_argument(
            "--blind-index", action="store_true", help="print a blind-index key instead"
        )
        verbs.add_parser("status", help="the ring and the data keys under each master key")
        verbs.add_parser("rotate", help="re-wrap every data key under the active master key")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "generate":
            key = crypto.key_encode(crypto.key_generate())
            if options["blind_index"]:
                self.stdout.write(key)
                return
            key_id = options["id"] or datetime.now(UTC).strftime("k%Y%m%d%H%M")
            self.stdout.write(f"{key_id}:{key}")
            return
        try:
            ring = crypto.configured_key_ring()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(f"FUNDGUARD_DATA_KEYS: {exc}", returncode=2) from None
        if verb == "status":
            self._status(ring)
            return
        from fundguard.customers.services import data_keys_rotate

        try:
            report = data_keys_rotate(actor=None)
        except crypto.DecryptionFailed as exc:
            raise CommandError(
                f"a data key could not be unwrapped ({exc}); is an old master key missing "
                "from FUNDGUARD_DATA_KEYS?",
                returncode=1,
            ) from None
        self.stdout.write(
            f"active key {report.active_key_id}: {report.total} data keys, "
            f"{report.rewrapped} re-wrapped, {report.already_current} already current, "
            f"{report.destroyed} destroyed (erased customers)"
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
