"""Pages of the yearly progress report (按年度调度): thin; the report is built by oversight.report in the viewer's
scope (a region or park outside it is a 404), one click each for the xlsx and the PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from oversight import report
from oversight.views import XLSX, _scope_args, _scope_query


def _download(body: bytes, content_type: str, built: report.Report, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"{built.title}-{built.made_on:%Y%m%d}.{ext}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@permission_required("oversight.view_coverage", raise_exception=True)
def report_page(request):
    built = report.yearly_report(request.user, **_scope_args(request))
    return render(request, "oversight/report_page.html", {"report": built, "scope_query": _scope_query(request)})


@permission_required("oversight.view_coverage", raise_exception=True)
def report_xlsx(request):
    built = report.yearly_report(request.user, **_scope_args(request))
    return _download(report.report_xlsx(built), XLSX, built, "xlsx")


@permission_required("oversight.view_coverage", raise_exception=True)
def report_pdf(request):
    built = report.yearly_report(request.user, **_scope_args(request))
    return _download(report.report_pdf(built), "application/pdf", built, "pdf")
