from django.core.management.base import BaseCommand, CommandError

from funding.selectors import verify_chain


class Command(BaseCommand):
    help = "Walk the fund ledger's hash chain; name the first entry that does not match."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            where = f"entry {report.bad_entry}" if report.bad_entry is not None else "ledger head"
            raise CommandError(f"ledger broken at {where}: {report.problem} (after {report.count} good entries)")
        self.stdout.write(f"ledger ok: {report.count} entries, head {report.head}")
