from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("joorsync_media", "0001_image_agreement"),
    ]

    operations = [
        migrations.AddField(
            model_name="imageagreement",
            name="variant_images",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="imageagreement",
            name="retired",
            field=models.JSONField(default=list),
        ),
    ]
