"""Pages of consent, enrolment and biometric image review. Thin: every write is a service of proctoring/services.

- consent: the trainee reads what is processed, why and how long, then consents, declines (the other way:
  offline study verified in person) or withdraws;
- enrol: the trainee's camera page; the captured JPEG is POSTed here (multipart "image") and the quality gate's
  reason is returned;
- bulk: a provider uploads a zip of photos named by ID number; the job page shows progress and a row per file;
- photo: a reviewer sees an enrolment photo after giving a reason; every view is logged.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from proctoring import faces
from proctoring.consent_text import CONSENT_TEXT_VERSION, consent_sections
from proctoring.models import BulkEnrolmentJob, EnrolmentPhoto, ImageKind, TemplateReview
from proctoring.services import consent as consent_services
from proctoring.services.audit import image_access_log, may_view_biometric_images
from proctoring.services.bulk_enrolment import BULK_PERMISSION, bulk_enrolment_start
from proctoring.services.enrolment import enrolment_photo_bytes, face_enrol, has_template
from training.scope import visible

CONSENT_ACTIONS = {
    "consent": consent_services.consent_give,
    "alternative": consent_services.consent_choose_alternative,
    "withdraw": consent_services.consent_withdraw,
}


def _trainee(request):
    if request.user.trainee_id is None:
        raise PermissionDenied(_("只有学员本人可以办理"))
    return request.user.trainee


def _client(request) -> dict:
    return {"ip_address": request.META.get("REMOTE_ADDR"), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


@login_required
def consent_page(request):
    trainee = _trainee(request)
    if request.method == "POST":
        action = CONSENT_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponse(status=400)
        row = action(trainee=trainee, recorded_by=request.user, **_client(request))
        if row.decision == "consent":
            return redirect("proctoring:enrol")
        return redirect("proctoring:alternative")
    context = {
        "sections": consent_sections(),
        "version": CONSENT_TEXT_VERSION,
        "current": consent_services.current_consent(trainee),
        "enrolled": has_template(trainee),
    }
    return render(request, "proctoring/consent.html", context)


@login_required
def alternative_page(request):
    trainee = _trainee(request)
    return render(request, "proctoring/alternative.html", {"current": consent_services.current_consent(trainee)})


@login_required
def enrol_page(request):
    trainee = _trainee(request)
    if request.method == "POST":
        upload = request.FILES.get("image")
        if upload is None:
            return JsonResponse({"ok": False, "reason": _("人脸采集：缺少照片")}, status=400)
        if upload.size > faces.max_image_bytes():  # not read into memory at all
            return JsonResponse(
                {"ok": False, "reason": _("人脸采集：%(reason)s") % {"reason": _too_big()}}, status=422
            )
        try:
            result = face_enrol(trainee=trainee, image_bytes=upload.read(), source="camera", actor=request.user)
        except ValidationError as error:
            status = 403 if error.code == "no_consent" else 422
            return JsonResponse({"ok": False, "reason": " ".join(error.messages)}, status=status)
        if isinstance(result, TemplateReview):
            message = _("新照片与原人脸模板差异较大，已提交人工复核；复核通过前仍使用原模板。")
            return JsonResponse({"ok": True, "held": True, "message": message})
        return JsonResponse({"ok": True, "message": _("人脸采集成功，可以开始在线学习")})
    if not consent_services.has_biometric_consent(trainee):
        return redirect("proctoring:consent")
    return render(request, "proctoring/enrol.html", {"enrolled": has_template(trainee)})


def _too_big() -> str:
    return _("图像过大（上限%(max)s）") % {"max": filesizeformat(faces.max_image_bytes())}


def _bulk_user(request):
    user = request.user
    if not user.has_perm(BULK_PERMISSION):
        raise PermissionDenied(_("只有培训机构工作人员可以批量导入人脸照片"))
    return user


@login_required
def bulk_upload(request):
    user = _bulk_user(request)
    if request.method == "POST":
        archive = request.FILES.get("archive")
        if archive is None:
            messages.error(request, _("压缩包：必填"))
        else:
            try:
                job = bulk_enrolment_start(uploaded_by=user, archive=archive)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return redirect("proctoring:bulk-job", pk=job.pk)
    jobs = visible(user, BulkEnrolmentJob.objects.all())[:20]
    return render(request, "proctoring/bulk_upload.html", {"jobs": jobs, **_bulk_limits()})


def _bulk_limits() -> dict:
    mb = 1024 * 1024
    return {
        "max_archive_mb": settings.FACE_BULK_MAX_ARCHIVE_BYTES // mb,
        "max_files": settings.FACE_BULK_MAX_FILES,
        "max_uncompressed_mb": settings.FACE_BULK_MAX_UNCOMPRESSED_BYTES // mb,
        "max_photo_mb": faces.max_image_bytes() // mb,
        "max_pixels": faces.max_image_pixels(),
    }


@login_required
def bulk_job(request, pk: int):
    user = _bulk_user(request)
    job = get_object_or_404(visible(user, BulkEnrolmentJob.objects.all()), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": job.status, "total": job.total, "processed": job.processed, "counts": job.counts()}
        )
    return render(request, "proctoring/bulk_job.html", {"job": job, "counts": job.counts()})


@login_required
def enrolment_photo(request, pk: int):
    """An enrolment photo for a reviewer in scope: first the reason, then the image; the view is logged."""
    if not may_view_biometric_images(request.user):
        raise PermissionDenied(_("只有复核人员可以查看人脸图像"))
    photo = get_object_or_404(visible(request.user, EnrolmentPhoto.objects.select_related("trainee")), pk=pk)
    reason = request.GET.get("reason", "").strip()
    if not reason:
        return render(request, "proctoring/photo_reason.html", {"photo": photo})
    image_access_log(
        viewer=request.user,
        image_kind=ImageKind.ENROLMENT_PHOTO,
        image_id=photo.pk,
        trainee=photo.trainee,
        reason=reason,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(enrolment_photo_bytes(photo), content_type=photo.content_type)
    response["Cache-Control"] = "no-store"
    return response
