"""Every write to the ledger. Keyword-only functions, each in the same order:

1. check the permission (before the transaction, so that a denial's audit record survives);
2. validate the input that needs no database (line count, amounts, sides);
3. open ``service_atomic()`` (its own ``BEGIN IMMEDIATE`` transaction on SQLite, or a savepoint
   in the transaction of a service that composes it, such as a transfer), claim the
   idempotency key (a replay returns the first result here and writes nothing);
4. lock the touched accounts in ascending id order, then the hold if there is one;
5. re-check status, currency and limits under the lock;
6. write the entry, lines and totals; record the audit event in the same transaction.

The rows of the posting path (account locks, totals, entry and lines, holds) are read and
written through ``rows.py``: the same statements as the ORM's, fewer of them, without its
per-statement cost (``docs/performance.md``).

By concept: ``accounts``, ``entries``, ``holds``, and the steps they share in ``posting``; the
public names are re-exported here.

The whole transaction is retried after a deadlock or serialization failure (``retrying``).
``actor`` None means the system (the expiry task, the CLI) and skips the permission check.
"""

from fundguard.ledger.services.accounts import (
    account_close,
    account_freeze,
    account_open,
    account_unfreeze,
)
from fundguard.ledger.services.entries import LineSpec, entry_post, entry_reverse
from fundguard.ledger.services.holds import (
    hold_expire,
    hold_place,
    hold_post,
    hold_void,
    holds_expire_due,
)

__all__ = [
    "LineSpec",
    "account_close",
    "account_freeze",
    "account_open",
    "account_unfreeze",
    "entry_post",
    "entry_reverse",
    "hold_expire",
    "hold_place",
    "hold_post",
    "hold_void",
    "holds_expire_due",
]
