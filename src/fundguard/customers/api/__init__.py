"""``/api/v1/customers``: parse, call one service or selector, render masked.

Responses never carry a full personal value: numbers, phone, e-mail and address go out as
``****1234`` (``*_masked``). The clear text comes only from ``POST /{id}/reveal``, which needs
``customers.reveal_personal_data`` and is audited. Documents are uploaded as JSON with the file
base64-encoded (``content_base64``).

One router (``_common``), on which each module registers its operations as it is imported, in
the order of the routes: ``customers``, ``records`` (identity documents, owners, bank accounts,
beneficiaries, documents), ``kyc`` (reviews, risk, class, credit), ``funds`` and ``privacy``.
"""

from fundguard.customers.api._common import router

# isort: off
from fundguard.customers.api import customers, records, kyc, funds, privacy  # noqa: F401
# isort: on

__all__ = ["router"]
