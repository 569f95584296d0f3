"""Fund totals from the ledger, the same figures as the pages (funding/tallies.py): per region, provider, project
and quarter, in yuan."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from funding.rules import yuan
from funding.tabular import to_csv
from funding.tallies import Filters, tally, totals
from training.models import Region

LABELS = {"region": "region__name", "provider": "provider__name", "project": "project__code"}
HEADER = ["group", "name", "reserved_yuan", "paid_yuan", "reversed_yuan", "clawed_back_yuan", "net_paid_yuan"]


class Command(BaseCommand):
    help = "Print fund totals per region, provider, project and quarter (yuan), reconciled to the ledger."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="division code; the region and its subtree")
        parser.add_argument("--provider", type=int, help="provider id")
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat)
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, *args, region=None, provider=None, date_from=None, date_to=None, format="text", **options):
        found = None
        if region:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise CommandError(f"unknown region code {region}")
        filters = Filters(region=found, provider_id=provider, date_from=date_from, date_to=date_to)
        rows = []
        for group in ("region", "provider", "project", "quarter"):
            for r in tally(group, filters):
                name = f"{r['y']}Q{r['q']}" if group == "quarter" else (r.get(LABELS[group]) or "-")
                rows.append([group, name, *_money(r)])
        rows.append(["total", "-", *_money(totals(filters))])
        if format == "csv":
            sys.stdout.flush()
            self.stdout.write(to_csv([HEADER, *rows]).decode("utf-8").lstrip("\ufeff"), ending="")
            return
        for row in [HEADER, *rows]:
            self.stdout.write("  ".join(str(c) for c in row))


def _money(r) -> list[str]:
    return [yuan(r[k]) for k in ("reserved_fen", "paid_fen", "reversed_fen", "clawed_back_fen", "net_paid_fen")]
