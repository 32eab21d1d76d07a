"""Approvals, the timeline, vouchers and their prints are append-only; version 1 of the approval
policy (the defaults of ``policy.DEFAULT_APPROVAL_POLICY``) is in force from the start."""

from typing import Any

from django.db import migrations
from django.utils import timezone

from fundguard.core.immutability import append_only


def activate_default_policy(apps: Any, schema_editor: Any) -> None:
    from fundguard.transfers.policy import DEFAULT_APPROVAL_POLICY, policy_to_document

    versions = apps.get_model("transfers", "ApprovalPolicyVersion")
    versions.objects.create(
        version=DEFAULT_APPROVAL_POLICY.version,
        document=policy_to_document(DEFAULT_APPROVAL_POLICY),
        status="active",
        note="Defaults of issue 5",
        drafted_at=timezone.now(),
        activated_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("transfers", "0001_initial")]

    operations = [
        migrations.RunPython(
            append_only(
                "transfers_transferstep",
                "transfers_transferapproval",
                "transfers_voucher",
                "transfers_voucherprint",
            ),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(activate_default_policy, migrations.RunPython.noop),
    ]
