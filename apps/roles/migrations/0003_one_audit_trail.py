"""One audit trail: roles.AuditEntry's rows were copied into the trust trail (trust.0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_role_wiifm_names_unique_audit_entries"),
        ("trust", "0003_one_audit_trail"),
    ]

    operations = [migrations.DeleteModel(name="AuditEntry")]
