"""Pages of online study: the trainee's lesson list and lesson page, and the snapshot upload (HTTP, not the
channel layer). Thin: reads in proctoring/selectors/study.py, writes in proctoring/services/study.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from proctoring.models import Snapshot
from proctoring.selectors.next_steps import study_prerequisite
from proctoring.selectors.study import study_lessons
from proctoring.services import study
from training.models import Lesson
from training.scope import visible


def _trainee(request):
    if request.user.trainee_id is None:
        raise PermissionDenied("只有学员可以在线学习")
    return request.user.trainee


@login_required
def lesson_list(request):
    trainee = _trainee(request)
    context = {"rows": study_lessons(trainee), "prerequisite": study_prerequisite(trainee)}
    return render(request, "proctoring/study_list.html", context)


@login_required
def study_page(request, lesson_id: int):
    trainee = _trainee(request)
    lesson = get_object_or_404(visible(request.user, Lesson.objects.select_related("course")), pk=lesson_id)
    error = study.study_start_error(trainee=trainee, lesson=lesson)
    # every "请先完成…" refusal comes with a link to the step it names
    next_step = study_prerequisite(trainee) if error else None
    return render(request, "proctoring/study.html", {"lesson": lesson, "error": error, "next_step": next_step})


@login_required
@require_POST
def snapshot_upload(request, snapshot_id: int):
    """The page sends the frame the server asked for (multipart field "image", a JPEG)."""
    snapshot = get_object_or_404(visible(request.user, Snapshot.objects.all()), pk=snapshot_id)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "抓拍：缺少图像"}, status=400)
    try:
        study.snapshot_upload(snapshot_id=snapshot.pk, user=request.user, image_bytes=upload.read())
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    return JsonResponse({"ok": True, "seq": snapshot.seq}, status=202)
