"""Every write of the payments app. Keyword-only functions, each in the same order:

1. check the permission (before the transaction, so that a denial's audit record survives);
   ``actor`` None means the system (a transfer's execution, the sandbox bank) and skips it;
2. validate what needs no database;
3. open ``service_atomic()`` (a savepoint when composed into a caller's transaction, such as a
   transfer's final approval), lock the rows in primary-key order, re-check under the lock;
4. write, record the audit event, and queue follow-up work with ``on_commit``.

Each transaction is retried after a lost race (``retrying``; only the outermost one retries).
By concept: ``accounts`` (company bank accounts), ``orders``, ``files``, ``reports`` (pain.002).
"""

from fundguard.payments.services.accounts import company_account_create
from fundguard.payments.services.files import payment_file_build, payment_file_release
from fundguard.payments.services.orders import payment_order_queue
from fundguard.payments.services.reports import status_report_import

__all__ = [
    "company_account_create",
    "payment_file_build",
    "payment_file_release",
    "payment_order_queue",
    "status_report_import",
]
