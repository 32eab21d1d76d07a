"""Transfers: the transfer lifecycle and the approval policy (pure modules so far)."""
