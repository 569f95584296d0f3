"""The first credit weights (信用体系), as data: a province changes them by adding a row with a later effective date."""

import datetime

from django.db import migrations


def seed(apps, schema_editor):
    CreditWeights = apps.get_model("oversight", "CreditWeights")
    CreditWeights.objects.get_or_create(
        effective_from=datetime.date(2021, 12, 10),  # the notice 人社部函〔2021〕168号
        defaults={
            "pass_rate": 30,
            "flag_rate": 25,
            "spot_checks": 15,
            "revisits": 15,
            "complaints": 15,
            "complaint_points": 20,
            "note": "初始权重：合格率30、确认异常率25、抽查15、回访15、投诉15；每件属实投诉扣20分",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("oversight", "CreditWeights").objects.filter(effective_from=datetime.date(2021, 12, 10)).delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0002_spotchecks_revisits_credit")]

    operations = [migrations.RunPython(seed, unseed)]
