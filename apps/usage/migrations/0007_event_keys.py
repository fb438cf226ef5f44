"""Idempotency keys move to their own table, so the usage log can be partitioned by month."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('usage', '0006_daily_rollup_kinds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UsageEventKey',
            fields=[
                ('pk', models.CompositePrimaryKey('source', 'idempotency_key', blank=True, editable=False, primary_key=True, serialize=False)),
                ('source', models.CharField(choices=[('app', 'In the app'), ('api', 'API'), ('import', 'Import'), ('crm_export', 'CRM export'), ('system', 'System')], max_length=20, verbose_name='source')),
                ('idempotency_key', models.CharField(max_length=200, verbose_name='idempotency key')),
                ('event_id', models.BigIntegerField(verbose_name='event')),
                ('occurred_at', models.DateTimeField(verbose_name='occurred at')),
            ],
            options={
                'verbose_name': 'usage event key',
                'verbose_name_plural': 'usage event keys',
            },
        ),
        # Every event recorded so far gets its key; after this the key table is what keeps keys unique.
        migrations.RunSQL(
            "INSERT INTO usage_usageeventkey (source, idempotency_key, event_id, occurred_at) "
            "SELECT source, idempotency_key, id, occurred_at FROM usage_usageevent",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveConstraint(
            model_name='usageevent',
            name='usageevent_idempotent_per_source',
        ),
        migrations.AlterField(
            model_name='usageevent',
            name='user',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='usage_events', to=settings.AUTH_USER_MODEL),
        ),
    ]
