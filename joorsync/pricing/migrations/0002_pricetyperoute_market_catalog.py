from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="pricetyperoute",
            name="market_id",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="pricetyperoute",
            name="catalog_id",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
