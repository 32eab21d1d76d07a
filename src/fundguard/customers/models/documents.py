"""Identity documents (numbers sealed, blind-indexed) and uploaded files (content sealed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fundguard.customers.models.choices import DocumentKind, IdType
from fundguard.customers.models.customers import Customer


class IdentityDocument(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="identity_documents"
    )
    id_type = models.CharField(_("type"), max_length=24, choices=IdType.choices)
    number_sealed = models.TextField()
    number_index = models.CharField(max_length=64, blank=True)
    # The blind-index key that made number_index (see `fundguard keys rotate --blind-index`).
    number_index_key_id = models.CharField(max_length=32, blank=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    issuing_country = models.CharField(max_length=2, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "number_index"],
                condition=~Q(number_index=""),
                name="%(app_label)s_%(class)s_number_unique",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="%(app_label)s_%(class)s_one_primary",
            ),
            models.CheckConstraint(
                condition=Q(id_type__in=IdType.values),
                name="%(app_label)s_%(class)s_id_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["number_index"], name="customers_iddoc_index_idx")]

    def __str__(self) -> str:
        return f"{self.id_type} ****{self.number_last4}"


class CustomerDocument(models.Model):
    """An uploaded file: the content is sealed with the customer's data key."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    filename_sealed = models.TextField()
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content_sealed = models.TextField()
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="%(app_label)s_%(class)s_expires_after_issued",
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="customers_document_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"
