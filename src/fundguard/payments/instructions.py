"""What a caller (the transfers app) hands the payments app: one payment, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """One payment to one creditor. ``amount_minor`` in the currency's minor unit.

    The creditor's account is ``creditor_iban`` or else ``creditor_account_number``.
    ``creditor_province`` and ``creditor_city`` (of the creditor's branch) are needed by the
    ICBC batch file only. ``purpose`` is an ISO purpose code (``SUPP``, ``SALA``) or free text.
    """

    end_to_end_id: str
    amount_minor: int
    currency: str
    creditor_name: str
    creditor_account_number: str
    creditor_bank_name: str
    creditor_country: str
    requested_execution_date: date
    remittance_information: str = ""
    purpose: str = ""
    creditor_iban: str = ""
    creditor_bic: str = ""
    creditor_province: str = ""
    creditor_city: str = ""
