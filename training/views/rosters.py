"""Roster upload pages (issue 3 "Rosters", door a): thin views over training/rosters (one validation path).

Provider staff upload for their own projects; the file is checked (preview of the first rows, every bad row with
its reason, the error report to download), then imported on confirmation. Large files run in Celery tasks and the
page polls the progress endpoint.
"""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from training.models import RosterImport
from training.rosters.forms import RosterUploadForm
from training.rosters.report import roster_template_xlsx
from training.rosters.uploads import (
    is_large,
    progress_get,
    roster_upload_check,
    roster_upload_commit,
    roster_upload_create,
)
from training.scope import visible
from training.selectors.dashboard import ROSTERS_WITH_ERRORS
from training.tasks import roster_check_task, roster_commit_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_upload(user) -> bool:
    return user.has_perm("training.import_roster")


def _upload_or_404(request, pk) -> RosterImport:
    return get_object_or_404(visible(request.user, RosterImport.objects.select_related("project")), pk=pk)


def _run(task, function, upload):
    """Large files in a Celery task (after the upload row is committed), small ones right here."""
    if is_large(upload):
        transaction.on_commit(lambda: task.delay(upload.pk))
    else:
        function(upload=upload)


@login_required
def roster_list(request):
    may_upload = _may_upload(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        if form.is_valid():
            upload = roster_upload_create(
                project=form.cleaned_data["project"],
                user=request.user,
                file=form.cleaned_data["file"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
            _run(roster_check_task, roster_upload_check, upload)
            return redirect("roster-detail", pk=upload.pk)
    uploads = visible(request.user, RosterImport.objects.select_related("project", "uploaded_by"))
    if request.GET.get("errors"):  # the home page's "rosters with errors"
        uploads = uploads.filter(ROSTERS_WITH_ERRORS)
    uploads = uploads[:50]
    return render(request, "training/rosters/list.html", {"form": form, "uploads": uploads, "may_upload": may_upload})


@login_required
def roster_detail(request, pk):
    upload = _upload_or_404(request, pk)
    context = {"upload": upload, "progress": progress_get(upload), "may_upload": _may_upload(request.user)}
    return render(request, "training/rosters/detail.html", context)


@login_required
def roster_progress(request, pk):
    return JsonResponse(progress_get(_upload_or_404(request, pk)))


@login_required
@require_POST
def roster_commit(request, pk):
    upload = _upload_or_404(request, pk)
    if not _may_upload(request.user):
        raise PermissionDenied
    _run(roster_commit_task, roster_upload_commit, upload)
    return redirect("roster-detail", pk=upload.pk)


@never_cache  # Cache-Control: no-store: the report lists people's ID numbers; no proxy or browser cache keeps it
@login_required
def roster_report(request, pk):
    upload = _upload_or_404(request, pk)
    if not upload.report:
        raise Http404
    # a plain name, "<原文件名>-错误报告.csv", whatever suffix the storage gave the stored file
    suffix = Path(upload.report.name).suffix or ".csv"
    name = f"{Path(upload.original_name).stem}-错误报告{suffix}"
    return FileResponse(upload.report.open("rb"), as_attachment=True, filename=name)


@login_required
def roster_template(request):
    response = HttpResponse(roster_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "培训花名册模板.xlsx")
    return response
