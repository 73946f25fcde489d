from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("funds", "0006_statement_import_job")]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["account", "id"], name="ledger_account_keyset"),
        ),
    ]
