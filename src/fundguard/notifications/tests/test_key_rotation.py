"""A webhook's secret is sealed under its customer's data key: a re-key keeps it usable."""

from __future__ import annotations

import pytest

from fundguard.customers.models import Customer
from fundguard.customers.services.keys import data_keys_rekey
from fundguard.notifications.endpoint_secrets import secret_open
from fundguard.notifications.models import WebhookEndpoint
from fundguard.notifications.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db


def test_the_secret_opens_after_the_customers_data_key_is_replaced(customer: Customer) -> None:
    created = webhook_endpoint_create(
        actor=None, customer_id=customer.pk, url="https://hooks.example.com/fg"
    )
    sealed_before = WebhookEndpoint.objects.get(pk=created.endpoint.pk).secret_sealed

    data_keys_rekey()

    endpoint = WebhookEndpoint.objects.get(pk=created.endpoint.pk)
    assert endpoint.secret_sealed != sealed_before
    assert secret_open(endpoint) == created.secret
