"""The public disclosure of fund use: no sign-in, no personal data (funding/disclosure.py)."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render

from funding.disclosure import LEVELS, disclosure
from funding.tabular import table, to_csv, to_xlsx
from funding.tallies import Filters
from training.models import Region


def _date(value: str | None):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request) -> Filters:
    region = Region.objects.filter(code=request.GET.get("region", "")).first()
    return Filters(region=region, date_from=_date(request.GET.get("from")), date_to=_date(request.GET.get("to")))


def public_fund(request):
    filters = _filters(request)
    data = disclosure(filters)
    context = {
        "data": data,
        "levels": [(label, data["levels"][level]) for level, label in LEVELS.items()],
        "filters": filters,
        "query": request.GET.urlencode(),
        "regions": Region.objects.filter(level__lte=2).order_by("code"),
    }
    return render(request, "funding/public_fund.html", context)


def public_fund_csv(request):
    response = HttpResponse(to_csv(table(disclosure(_filters(request)))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fund-disclosure.csv"'
    return response


def public_fund_xlsx(request):
    response = HttpResponse(
        to_xlsx(table(disclosure(_filters(request)))),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="fund-disclosure.xlsx"'
    return response
