"""File formats FundGuard reads and writes: pure Python, no Django, no ORM.

Each module parses into or generates from frozen dataclasses; the apps (``payments``,
``transfers``, ``reconciliation``) map those to their models. Everything here can be fuzzed
without a database. See ``docs/formats.md``.
"""
