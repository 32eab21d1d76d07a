"""ISO 20022 payment initiation: pain.001 (credit transfers out) and pain.002 (status back)."""
