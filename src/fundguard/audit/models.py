"""Audit records are append-only: database triggers refuse UPDATE and DELETE (migration 0002)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    seq = models.BigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, db_index=True)
    actor_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        default_permissions = ()
        permissions = [
            ("view_audit_trail", "Read the audit trail"),
            ("verify_audit_trail", "Verify the audit chain"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seq__gte=1), name="%(app_label)s_%(class)s_seq_positive"
            ),
        ]
        verbose_name = _("audit record")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def chain_fields(self) -> dict[str, object]:
        """The fields the hash covers (everything but the hashes themselves)."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "request_id": self.request_id,
            "client_ip": self.client_ip,
        }


class AuditChainHead(models.Model):
    """One row: the latest sequence number and hash. Its row lock serializes appends."""

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """Every N-th record's (seq, hash), append-only, to detect a cut-off tail."""

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
