from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0004_policy_match_explained_on_read"),
    ]

    operations = [
        migrations.AddField(
            model_name="pushpreference",
            name="topics",
            field=models.JSONField(
                blank=True, default=list, help_text="空 = 全部主题", verbose_name="关注的主题"
            ),
        ),
        migrations.AddField(
            model_name="pushpreference",
            name="support_types",
            field=models.JSONField(
                blank=True, default=list, help_text="空 = 全部支持方式", verbose_name="关注的支持方式"
            ),
        ),
    ]
