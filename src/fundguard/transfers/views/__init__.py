"""Console pages of the transfers app: they parse a form, call one service or selector, render.

``requests`` (new transfer with live checks, list, the transfer page and its actions),
``approvals`` (the inbox), ``batches`` (upload), ``vouchers`` (list and print), ``policy``
(approval policy versions, approver limits, delegations).
"""
