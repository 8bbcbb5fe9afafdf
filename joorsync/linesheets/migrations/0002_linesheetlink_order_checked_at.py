from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("linesheets", "0001_linesheet_links_and_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="linesheetlink",
            name="order_checked_at",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
    ]
