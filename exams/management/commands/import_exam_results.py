"""`manage.py import_exam_results FILE [--dry-run]`: unified exam results (exams/services/results.py), all or nothing.

Exit status: 0 written; 1 bad rows (`row 7: 成绩: …`), nothing written; 2 the file is unusable.
"""

from django.core.management.base import CommandError

from exams.management.commands._base import ImportCommand
from exams.services.results import read_results, results_import
from exams.tables import TableFileError


class Command(ImportCommand):
    help = "导入统考成绩（xlsx或csv）：逐行校验，全部有效才写入；合格者记为考试合格并发证"

    def add_arguments(self, parser):
        parser.add_argument("file", help="成绩文件（xlsx或csv）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, **options):
        try:
            frame = read_results(options["file"])
        except TableFileError as e:
            raise CommandError(str(e), returncode=2) from None
        result = results_import(frame, dry_run=options["dry_run"])
        for line in result.check.error_lines():
            self.stdout.write(line)
        if result.check.invalid_count:
            raise CommandError(f"{result.check.invalid_count}行有误，未写入任何成绩", returncode=1)
        prefix = "dry run: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}导入成绩 {result.imported or len(result.check.rows)} 条，其中合格发证 {result.passed} 人"
        )
