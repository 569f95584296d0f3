"""`manage.py import_roster FILE --project CODE [--dry-run] [--skip-invalid]`: the command-line door to the one
roster validation path (training/rosters). All or nothing by default.

Exit status: 0 written (or a clean dry run); 1 bad rows (one line per row: `row 7: 身份证号: …`), nothing written
unless --skip-invalid; 2 the file or the project is unusable (one `error: …` line, no traceback).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from training.models import TrainingProject
from training.rosters.reading import RosterFileError, read_roster
from training.rosters.service import RosterConflictError, RosterRefusedError, roster_import


class Command(BaseCommand):
    help = "导入培训花名册（xlsx或csv）到培训项目：逐行校验，默认全部有效才写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="花名册文件（xlsx或csv）")
        parser.add_argument("--project", required=True, help="培训项目编号，如 DEMO-DONGYING-2024")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告将新建、更新、报名的人数，不写入")
        parser.add_argument("--skip-invalid", action="store_true", help="写入有效行，报告有误的行")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as e:
            if not self._called_from_command_line:
                raise  # call_command(): the caller gets the CommandError (message and returncode)
            # From the shell: one plain line instead of Django's "CommandError: …", never a traceback.
            self.stderr.write(f"error: {e}" if e.returncode == 2 else str(e))
            sys.exit(e.returncode)

    def handle(self, *args, **options):
        try:
            frame = read_roster(options["file"])  # the file first: a bad file needs no database
        except RosterFileError as e:
            raise CommandError(str(e), returncode=2) from None
        try:
            project = TrainingProject.objects.select_related("region").get(code=options["project"].strip())
        except TrainingProject.DoesNotExist:
            raise CommandError(f"未知项目编号：{options['project']}", returncode=2) from None
        try:
            result = roster_import(
                project=project, frame=frame, skip_invalid=options["skip_invalid"], dry_run=options["dry_run"]
            )
        except (RosterConflictError, RosterRefusedError) as e:
            raise CommandError(str(e), returncode=2) from None
        for line in result.check.error_lines():
            self.stdout.write(line)
        prefix = "dry run: " if options["dry_run"] else ("" if result.written else "未写入：")
        counts = (
            f"created={result.created} updated={result.updated} enrolled={result.enrolled} "
            f"priority={result.priority} invalid={result.check.invalid_count}"
        )
        self.stdout.write(f"{prefix}{result.summary()} ({counts})")
        if result.check.invalid_count and not (options["skip_invalid"] and not options["dry_run"]):
            raise CommandError(f"{result.check.invalid_count}行有误，未写入任何数据", returncode=1)
