"""The candidate's pages and the exam's HTTP endpoints (plain POSTs: every answer is saved the moment it changes).
Thin: reads in exams/selectors.py, writes in exams/services/."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from exams.models import Attempt, Certificate, Sitting, SittingMode, SubmitReason
from exams.selectors import eligibility, open_attempt_for, result_breakdown
from exams.services import attempts as svc
from exams.services.grading import attempt_submit
from exams.services.papers import paper_view
from exams.services.proctor import face_check_during, face_check_error, face_verify, focus_lost, next_check_in_seconds
from training.models import Enrollment, EnrollmentStatus
from training.scope import visible


def _ONE_WRITER() -> bool:  # noqa: N802
    """SQLite (the embedded demo) has one writer: keep Django's one thread there, and wherever
    EXAM_SAVES_IN_THREAD_POOL is off (tests whose data sits in the test's open transaction)."""
    from django.conf import settings
    from django.db import connection

    return connection.vendor == "sqlite" or not settings.EXAM_SAVES_IN_THREAD_POOL


async def in_pool(func, *args, **kwargs):
    """Run `func` in the thread pool with a connection of its own, handed back to the connection pool after.

    The request's own thread read the session with a connection from the pool; it hands it back first. Otherwise
    every waiting request holds one while the pool's threads wait for one: at 250 candidates starting at once per
    process, all 20 were held by waiting requests, and every start failed after the pool's 30 s timeout."""
    if _ONE_WRITER():
        return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
    await sync_to_async(close_old_connections)()

    def released():
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(released, thread_sensitive=False)()


def pooled(view):
    """Run a sync exam view in the thread pool (its own connection) instead of queueing behind every other
    request on Django's one sync thread: a thousand candidates start and submit at once."""
    import functools

    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        # The session and the user are read here once; request.user is the same object (Django would read the user
        # again for it: one query more per request, a thousand times at the start of a sitting).
        request.user = await request.auser()
        return await in_pool(view, request, *args, **kwargs)

    return wrapper


def _trainee(request):
    if request.user.trainee_id is None:
        raise PermissionDenied("只有学员可以参加考试")
    return request.user.trainee


def _enrollment(trainee, sitting) -> Enrollment | None:
    return (
        Enrollment.objects.filter(trainee=trainee, project_id=sitting.project_id)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .first()
    )


def _refused(error: ValidationError, status=409) -> JsonResponse:
    return JsonResponse({"error": error.messages[0]}, status=status)


@login_required
def my_exams(request):
    trainee = _trainee(request)
    enrollments = list(Enrollment.objects.filter(trainee=trainee).select_related("project"))
    sittings = Sitting.objects.filter(project__in=[e.project_id for e in enrollments], closes_at__gt=timezone.now())
    rows = [{"enrollment": e, "eligibility": eligibility(e)} for e in enrollments]
    return render(
        request,
        "exams/my_exams.html",
        {
            "rows": rows,
            "sittings": sittings.order_by("opens_at"),
            "attempts": Attempt.objects.filter(enrollment__trainee=trainee)
            .select_related("sitting")
            .order_by("-started_at"),
            "certificates": Certificate.objects.filter(trainee=trainee),
        },
    )


@login_required
def sitting_page(request, pk: int):
    trainee = _trainee(request)
    sitting = get_object_or_404(Sitting.objects.select_related("project"), pk=pk)
    enrollment = _enrollment(trainee, sitting)
    if enrollment is None:
        raise PermissionDenied("该考试场次不属于您的培训项目")
    open_attempt = open_attempt_for(enrollment)
    if open_attempt is not None:
        return redirect("exams:attempt", pk=open_attempt.pk)
    verdict = eligibility(enrollment)
    face_error = face_check_error(trainee) if sitting.mode == SittingMode.ONLINE else None
    error = svc.start_error(enrollment=enrollment, sitting=sitting, face_passed=True)
    return render(
        request,
        "exams/sitting.html",
        {"sitting": sitting, "eligibility": verdict, "face_error": face_error, "error": error},
    )


@pooled
@login_required
@require_POST
def start(request, pk: int):
    """Exam site: start after check-in. Online: the camera frame of the opening face check (multipart "image")."""
    trainee = _trainee(request)
    sitting = get_object_or_404(Sitting, pk=pk)
    enrollment = _enrollment(trainee, sitting)
    if enrollment is None:
        return JsonResponse({"error": "该考试场次不属于您的培训项目"}, status=403)
    face_passed, detail = False, {}
    try:
        if sitting.mode == SittingMode.ONLINE and open_attempt_for(enrollment) is None:
            upload = request.FILES.get("image")
            if upload is None:
                return JsonResponse({"error": "请先拍摄人脸照片进行核验"}, status=400)
            face_passed, detail = face_verify(trainee=trainee, image_bytes=upload.read())
            if not face_passed:
                return JsonResponse({"error": "人脸核验未通过，请正对摄像头重试", "face": detail}, status=403)
        attempt = svc.attempt_start(enrollment=enrollment, sitting=sitting, face_passed=face_passed)
    except ValidationError as error:
        return _refused(error, 403)
    return JsonResponse({"attempt": attempt.pk, "url": f"/exams/attempts/{attempt.pk}/"})


def _own_attempt(request, pk: int) -> Attempt:
    trainee = _trainee(request)
    attempt = get_object_or_404(Attempt.objects.select_related("sitting", "enrollment"), pk=pk)
    if attempt.enrollment.trainee_id != trainee.pk:
        raise PermissionDenied("这不是您的考试")
    return attempt


@pooled
@login_required
def attempt_page(request, pk: int):
    """Opening (or reloading) the page takes the attempt over: this tab gets the new token, any other tab stops."""
    attempt = _own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("exams:result", pk=attempt.pk)
    sitting = attempt.sitting
    attempt = svc.attempt_takeover(attempt=attempt)
    state = svc.attempt_state(attempt)
    if not state["remaining"]:
        return redirect("exams:result", pk=attempt.pk)
    return render(
        request,
        "exams/attempt.html",
        {
            "attempt": attempt,
            "paper": paper_view(attempt),
            "state": state,
            "tab": attempt.tab_token,
            "online": sitting.mode == SittingMode.ONLINE,
            "next_check": next_check_in_seconds(),
        },
    )


@pooled
@login_required
@require_GET
def state(request, pk: int):
    return JsonResponse(svc.attempt_state(_own_attempt(request, pk)))


def _post(request) -> dict:
    if request.content_type == "application/json":
        try:
            return json.loads(request.body or b"{}")
        except ValueError:
            return {}
    return request.POST.dict()


@require_POST
async def answer(request, pk: int):
    """The hottest endpoint (every answer of every candidate): async, so that concurrent saves do not queue on
    the one thread Django gives sync views; the service runs in the thread pool with its own connection."""
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"error": "请先登录"}, status=401)
    data = _post(request)
    try:
        item = int(data.get("item", 0))
    except (TypeError, ValueError):
        item = 0
    try:
        saved = await in_pool(
            svc.answer_save,
            attempt_id=pk,
            trainee_id=user.trainee_id,
            item_id=item,
            value=str(data.get("value", "")),
            tab_token=str(data.get("tab", "")),
        )
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "item": item, "value": saved.value, "saved_at": saved.saved_at.isoformat()})


@login_required
@require_POST
def event(request, pk: int):
    data = _post(request)
    try:
        result = focus_lost(
            attempt_id=pk,
            trainee_id=request.user.trainee_id,
            tab_token=str(data.get("tab", "")),
            what=str(data.get("what", "blur")),
            seconds=float(data.get("seconds", 0) or 0),
        )
    except (ValidationError, ValueError) as error:
        return _refused(error if isinstance(error, ValidationError) else ValidationError("参数无效"))
    return JsonResponse(result)


@login_required
@require_POST
def face_check(request, pk: int):
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "缺少图像"}, status=400)
    try:
        result = face_check_during(
            attempt_id=pk,
            trainee_id=request.user.trainee_id,
            tab_token=request.POST.get("tab", ""),
            image_bytes=upload.read(),
        )
    except ValidationError as error:
        return _refused(error)
    return JsonResponse(result)


@pooled
@login_required
@require_POST
def submit(request, pk: int):
    attempt = _own_attempt(request, pk)
    data = _post(request)
    if attempt.is_open and data.get("tab") != attempt.tab_token:
        return JsonResponse({"error": "考试已在另一个页面或设备上打开，本页面已停止作答"}, status=409)
    attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)
    return JsonResponse({"ok": True, "url": f"/exams/attempts/{attempt.pk}/result/"})


@login_required
def result(request, pk: int):
    attempt = get_object_or_404(visible(request.user, Attempt.objects.select_related("sitting", "blueprint")), pk=pk)
    if attempt.is_open:
        return redirect("exams:attempt", pk=attempt.pk)
    closed = attempt.sitting.closes_at <= timezone.now()
    show_paper = closed and attempt.blueprint.show_answers_after_close
    answers = dict(attempt.answers.values_list("item_id", "value"))
    paper = paper_view(attempt, with_answers=True) if show_paper else []
    for entry in paper:
        entry["given"] = answers.get(entry["id"], "")
    certificate = Certificate.objects.filter(attempt=attempt).first()
    return render(
        request,
        "exams/result.html",
        {
            "attempt": attempt,
            "breakdown": result_breakdown(attempt),
            "paper": paper,
            "closed": closed,
            "certificate": certificate,
        },
    )
