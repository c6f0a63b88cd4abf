from django.db import migrations, models

import monitoring_site.accounts.badges


def fill_keys(apps, schema_editor):
    for name in ("Monitor", "Heartbeat"):
        model = apps.get_model("monitors", name)
        for row in model.objects.filter(badge_key__isnull=True).only("pk"):
            model.objects.filter(pk=row.pk).update(badge_key=monitoring_site.accounts.badges.new_badge_key())


def unique_key():
    return models.CharField(default=monitoring_site.accounts.badges.new_badge_key, max_length=32, unique=True)


class Migration(migrations.Migration):
    """A unique key per existing row: added nullable, filled one by one, then made unique."""

    dependencies = [("monitors", "0003_heartbeats")]

    operations = [
        migrations.AddField(model_name="monitor", name="badge_key", field=models.CharField(max_length=32, null=True)),
        migrations.AddField(
            model_name="heartbeat", name="badge_key", field=models.CharField(max_length=32, null=True)
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(model_name="monitor", name="badge_key", field=unique_key()),
        migrations.AlterField(model_name="heartbeat", name="badge_key", field=unique_key()),
    ]
