from django.db import migrations, models

import monitoring_site.accounts.badges


def fill_keys(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    for organization in Organization.objects.filter(badge_key__isnull=True):
        organization.badge_key = monitoring_site.accounts.badges.new_badge_key()
        organization.save(update_fields=["badge_key"])


class Migration(migrations.Migration):
    """A unique key per existing row: added nullable, filled one by one, then made unique."""

    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="organization", name="badge_key", field=models.CharField(max_length=32, null=True)
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organization",
            name="badge_key",
            field=models.CharField(
                default=monitoring_site.accounts.badges.new_badge_key,
                help_text="Prefix of the tag badges' URLs.",
                max_length=32,
                unique=True,
            ),
        ),
    ]
