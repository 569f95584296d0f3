"""The hours ledger counts integer seconds (issue 7, finding 8): a verified stretch under 0.01 h (36 s) used to be
lost. Existing rows are converted exactly (their hours are whole hundredths: 0.01 h = 36 s).

LessonProgress.ledger_seconds records the whole seconds of a lesson's watching already in the ledger. For rows
written before this migration the ledger cannot be traced back to a lesson, so it is taken as everything watched
(floor): nothing is ever credited twice; remainders lost by the old 36-second steps stay lost.
"""

import math
from decimal import ROUND_DOWN, Decimal

from django.db import migrations, models


def hours_to_seconds(apps, schema_editor):
    CreditedHours = apps.get_model("training", "CreditedHours")
    for row in CreditedHours.objects.only("pk", "hours").iterator():
        CreditedHours.objects.filter(pk=row.pk).update(seconds=int(round(Decimal(row.hours) * 3600)))
    LessonProgress = apps.get_model("training", "LessonProgress")
    for progress in LessonProgress.objects.filter(watched_seconds__gt=0).only("pk", "watched_seconds").iterator():
        LessonProgress.objects.filter(pk=progress.pk).update(ledger_seconds=math.floor(progress.watched_seconds))


def seconds_to_hours(apps, schema_editor):
    CreditedHours = apps.get_model("training", "CreditedHours")
    for row in CreditedHours.objects.only("pk", "seconds").iterator():
        hours = (Decimal(row.seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        CreditedHours.objects.filter(pk=row.pk).update(hours=max(hours, Decimal("0.01")))


class Migration(migrations.Migration):
    dependencies = [("training", "0005_enrollment_exam_pass")]

    operations = [
        migrations.AddField(
            model_name="lessonprogress",
            name="ledger_seconds",
            field=models.PositiveIntegerField(default=0, verbose_name="已记入台账（秒）"),
        ),
        migrations.AddField(
            model_name="creditedhours",
            name="seconds",
            field=models.PositiveIntegerField(null=True, verbose_name="认定时长（秒）"),
        ),
        migrations.AlterField(
            model_name="creditedhours",
            name="hours",
            field=models.DecimalField(decimal_places=2, max_digits=6, null=True, verbose_name="学时"),
        ),
        migrations.RunPython(hours_to_seconds, seconds_to_hours),
        migrations.RemoveConstraint(model_name="creditedhours", name="credited_hours_positive"),
        migrations.RemoveField(model_name="creditedhours", name="hours"),
        migrations.AlterField(
            model_name="creditedhours",
            name="seconds",
            field=models.PositiveIntegerField(verbose_name="认定时长（秒）"),
        ),
        migrations.AddConstraint(
            model_name="creditedhours",
            constraint=models.CheckConstraint(condition=models.Q(("seconds__gt", 0)), name="credited_seconds_positive"),
        ),
    ]
