from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pricing", "0002_pricetyperoute_market_catalog")]

    operations = [
        migrations.AddField(
            model_name="pricetyperoute",
            name="company_location_ids",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
