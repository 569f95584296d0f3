"""`manage.py exam_candidates --project CODE [--format csv]`: everyone on the roster and whether they may sit the
exam (exams.selectors.roster_eligibility). The table masks ID numbers; csv writes them in full for the exam
site's check-in."""

import csv

from django.core.management.base import BaseCommand, CommandError

from exams.rules import mask_id_number
from exams.selectors import roster_eligibility
from exams.tables import safe_cell
from training.models import TrainingProject

HEADERS = ("身份证号", "姓名", "人员类别", "是否具备考试资格", "原因")


class Command(BaseCommand):
    help = "列出项目花名册上每个人是否具备考试资格"

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="培训项目编号")
        parser.add_argument("--format", choices=("table", "csv"), default="table")

    def handle(self, *args, **options):
        project = TrainingProject.objects.select_related("region").filter(code=options["project"].strip()).first()
        if project is None:
            raise CommandError(f"未知项目编号：{options['project']}", returncode=2)
        rows = []
        full = options["format"] == "csv"
        for e in roster_eligibility(project):
            t = e.enrollment.trainee
            rows.append(
                (
                    t.id_number if full else mask_id_number(t.id_number),
                    t.name,
                    t.get_personnel_class_display(),
                    "是" if e.eligible else "否",
                    "；".join(e.reasons),
                )
            )
        if full:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(HEADERS)
            writer.writerows([[safe_cell(c) for c in row] for row in rows])
            return
        self.stdout.write("\t".join(HEADERS))
        for row in rows:
            self.stdout.write("\t".join(row))
        eligible = sum(1 for r in rows if r[3] == "是")
        self.stdout.write(f"共 {len(rows)} 人，具备考试资格 {eligible} 人")
