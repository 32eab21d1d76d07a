from django.db import migrations

from fundguard.audit.chain import GENESIS_HASH
from fundguard.core.immutability import append_only


def create_chain_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
        migrations.RunPython(
            append_only("audit_auditrecord", "audit_auditcheckpoint"), migrations.RunPython.noop
        ),
    ]
