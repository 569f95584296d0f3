"""`manage.py import_questions FILE [--provider CREDIT_CODE | --region CODE] [--dry-run]`: the command-line door
to the one question-bank import (exams/services/bank.py). All or nothing.

Exit status: 0 written; 1 bad rows (`row 7: 答案: …`), nothing written; 2 the file or the bank is unusable.
"""

from django.core.management.base import CommandError

from exams.management.commands._base import ImportCommand
from exams.services.bank import questions_import, read_questions
from exams.tables import TableFileError
from training.models import Provider, Region


class Command(ImportCommand):
    help = "导入试题（xlsx或csv）到题库：逐行校验，全部有效才写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="试题文件（xlsx或csv）")
        bank = parser.add_mutually_exclusive_group()
        bank.add_argument("--provider", help="培训机构统一社会信用代码（导入该机构题库）")
        bank.add_argument("--region", help="行政区划代码（导入该地区题库）；都不填为全国题库")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, **options):
        try:
            frame = read_questions(options["file"])
        except TableFileError as e:
            raise CommandError(str(e), returncode=2) from None
        provider = region = None
        if options["provider"]:
            provider = Provider.objects.filter(credit_code=options["provider"].strip().upper()).first()
            if provider is None:
                raise CommandError(f"未知培训机构：{options['provider']}", returncode=2)
        if options["region"]:
            region = Region.objects.filter(code=options["region"].strip()).first()
            if region is None:
                raise CommandError(f"未知地区：{options['region']}", returncode=2)
        result = questions_import(frame, provider=provider, region=region, dry_run=options["dry_run"])
        for line in result.check.error_lines():
            self.stdout.write(line)
        if result.check.invalid_count:
            raise CommandError(f"{result.check.invalid_count}行有误，未写入任何试题", returncode=1)
        prefix = "dry run: " if options["dry_run"] else ""
        count = len(result.check.values) if options["dry_run"] else result.created
        self.stdout.write(f"{prefix}导入试题 {count} 道")
