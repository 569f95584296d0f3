"""Recalculate the credit of every provider and teacher (信用体系); prints the scores that changed and why."""

from django.core.management.base import BaseCommand

from oversight.services.credit import credit_recalculate


class Command(BaseCommand):
    help = "重新计算培训机构和教师的信用分（只为有变化的对象新增一条历史记录）"

    def handle(self, *args, **options):
        added = credit_recalculate()
        for row in added:
            subject = row.provider or row.teacher
            self.stdout.write(f"{subject}: {row.score}（{'；'.join(row.reasons)}）")
        self.stdout.write(f"{len(added)} scores changed")
