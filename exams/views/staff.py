"""Staff pages: question import (preview, then import; the command's checks and messages), the template, exam-site
check-in, pass rates with xlsx export, certificate PDFs. Thin: the work is in exams/services and selectors."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from exams.models import Certificate, Sitting, SittingMode
from exams.reports import pass_rates, pass_rates_xlsx
from exams.selectors import user_bank
from exams.services.bank import COLUMNS, questions_check, questions_import, read_questions, template_csv
from exams.services.certificates import certificate_pdf
from exams.services.sittings import check_in
from exams.tables import MAX_BYTES, TableFileError
from training.models import Trainee
from training.scope import visible

PREVIEW_ROWS = 20


def _bank_of(user) -> dict:
    """The bank a user imports into: their provider's, or their region's (EM); superusers the national bank."""
    bank = user_bank(user)
    if bank is None:
        raise PermissionDenied("您没有可导入的题库")
    return bank


@login_required
@permission_required("exams.import_questions", raise_exception=True)
def question_import(request):
    bank = _bank_of(request.user)
    context = {"bank": bank, "columns": COLUMNS}
    if request.method == "POST" and "confirm" in request.POST:
        name = request.session.get("question_upload", "")
        if not name or not default_storage.exists(name):
            messages.error(request, "上传已过期，请重新上传")
            return redirect("exams:question-import")
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        default_storage.delete(name)
        result = questions_import(read_questions(data), **bank)
        if result.check.invalid_count:
            context["errors"] = result.check.error_lines()
        else:
            messages.success(request, f"导入试题 {result.created} 道")
            return redirect("exams:question-import")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_BYTES:
            context["file_error"] = "请选择不超过10MB的xlsx或csv文件"
        else:
            data = upload.read()
            try:
                frame = read_questions(data)
            except TableFileError as e:
                context["file_error"] = f"error: {e}"
            else:
                check = questions_check(frame, **bank)
                context["errors"] = check.error_lines()
                context["preview"] = frame.head(PREVIEW_ROWS).to_dict("records")
                context["total"] = len(frame)
                if not check.invalid_count:
                    name = default_storage.save(f"question-imports/{uuid.uuid4().hex}.bin", ContentFile(data))
                    request.session["question_upload"] = name
                    context["ready"] = True
    return render(request, "exams/question_import.html", context)


@login_required
@permission_required("exams.import_questions", raise_exception=True)
def question_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="questions-template.csv"'
    return response


@login_required
@permission_required("exams.check_in", raise_exception=True)
def sitting_check_in(request, pk: int):
    """By ID number; where the candidate consented to face recognition the page offers a face check with the
    staff device's camera (the ID check alone stays possible, and is the only way without consent)."""
    from proctoring.services.consent import has_biometric_consent

    sitting = get_object_or_404(visible(request.user, Sitting.objects.filter(mode=SittingMode.SITE)), pk=pk)
    context = {"sitting": sitting, "count": sitting.check_ins.count()}
    if request.method == "POST":
        id_number = request.POST.get("id_number", "").strip().upper()
        seat = request.POST.get("seat", "")[:10]
        upload = request.FILES.get("image")
        if upload is None and request.POST.get("step") == "lookup":
            trainee = Trainee.objects.filter(id_number=id_number, enrollments__project=sitting.project).first()
            if trainee is not None and has_biometric_consent(trainee):
                context.update({"face": True, "id_number": id_number, "seat": seat})
                return render(request, "exams/check_in.html", context)
        try:
            done = check_in(
                sitting=sitting,
                id_number=id_number,
                staff_user=request.user,
                seat=seat,
                image_bytes=upload.read() if upload else None,
            )
        except ValidationError as error:
            if upload is not None:
                return JsonResponse({"ok": False, "reason": error.messages[0]}, status=422)
            messages.error(request, error.messages[0])
        else:
            how = "人脸核验" if done.by_face else "身份证核验"
            message = f"已签到（{how}）：{done.enrollment.trainee.name}"
            if upload is not None:
                return JsonResponse({"ok": True, "message": message})
            messages.success(request, message)
        return redirect("exams:check-in", pk=sitting.pk)
    return render(request, "exams/check_in.html", context)


@login_required
@permission_required("exams.view_results", raise_exception=True)
def results(request):
    by = request.GET.get("by", "provider")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            pass_rates_xlsx(request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="exam-pass-rates.xlsx"'
        return response
    return render(request, "exams/results.html", {"by": by, "rows": pass_rates(request.user, by)})


@login_required
def certificate_download(request, serial: str):
    certificate = Certificate.objects.filter(serial=serial).select_related("trainee", "project__region").first()
    if certificate is None or not visible(request.user, Certificate.objects.filter(pk=certificate.pk)).exists():
        raise Http404("not found")
    url = request.build_absolute_uri(reverse("public-certificate", args=[serial]))
    response = HttpResponse(certificate_pdf(certificate, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{serial}.pdf"'
    return response
