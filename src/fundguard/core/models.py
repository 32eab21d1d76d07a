from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.Model):
    """Holds permissions that belong to no single model (users, settings)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("manage_users", "Manage users, roles and tokens"),
            ("manage_settings", "Manage settings"),
        ]

    def __str__(self) -> str:
        return "capability"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"fg_{self.prefix}_…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyKey(models.Model):
    """One applied request: the principal's key, a fingerprint of its payload, and its result.

    ``principal_id`` is the acting user's id (0 for the system). Unique per (principal, key):
    a concurrent duplicate's insert waits for the first transaction, then fails and reads the
    stored result (see ``fundguard.core.idempotency``).
    """

    principal_id = models.BigIntegerField()
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=60)
    fingerprint = models.CharField(max_length=64)
    result_type = models.CharField(max_length=80, blank=True)
    result_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["principal_id", "key"], name="%(app_label)s_%(class)s_principal_key_unique"
            ),
        ]
        verbose_name = _("idempotency key")

    def __str__(self) -> str:
        return f"{self.principal_id}:{self.key}"
