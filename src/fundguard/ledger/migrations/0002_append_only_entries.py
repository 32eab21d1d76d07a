from django.db import migrations

from fundguard.core.immutability import append_only


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            append_only("ledger_journalentry", "ledger_entryline"), migrations.RunPython.noop
        ),
    ]
