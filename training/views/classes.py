"""Offline class, attendance and progress pages (thin: scope via visible(), writes via training.services)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from training.forms import ClassForm, SessionForm
from training.models import Attendance, ClassSession, Enrollment, EnrollmentStatus, OfflineClass, TrainingProject
from training.scope import visible
from training.selectors.completion import progress_for_enrollments
from training.selectors.lessons import lesson_rows
from training.services.classes import (
    attendance_record,
    attendance_recorder_error,
    class_session_create,
    offline_class_create,
)


def _errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


@login_required
def class_list(request):
    classes = visible(request.user, OfflineClass.objects.select_related("project"))
    classes = classes.annotate(
        n=Count("enrollments", filter=~Q(enrollments__status=EnrollmentStatus.WITHDRAWN), distinct=True),
        n_sessions=Count("sessions", distinct=True),
    ).order_by("code")  # aggregation drops Meta.ordering
    return render(request, "training/class_list.html", {"classes": classes})


@login_required
def class_create(request, project_pk):
    project = get_object_or_404(visible(request.user, TrainingProject.objects.all()), pk=project_pk)
    if not request.user.has_perm("training.form_class"):
        messages.error(request, "仅承办培训机构的工作人员可以开设班级")
        return redirect("project-detail", pk=project.pk)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            oc = offline_class_create(project=project, **form.cleaned_data)
            return redirect("class-detail", pk=oc.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(request, "training/class_form.html", {"project": project, "form": form})


@login_required
def class_detail(request, pk):
    oc = get_object_or_404(visible(request.user, OfflineClass.objects.select_related("project__region")), pk=pk)
    enrollments = visible(request.user, oc.enrollments.select_related("trainee", "project__region"))
    enrollments = enrollments.exclude(status=EnrollmentStatus.WITHDRAWN).order_by("trainee__name")
    progress = progress_for_enrollments(enrollments)
    sessions = (
        oc.sessions.select_related("teacher")
        .annotate(n_present=Count("attendances", filter=Q(attendances__signed_out_at__isnull=False)))
        .order_by("date", "start")
    )
    can_record = attendance_recorder_error(request.user, ClassSession(offline_class=oc)) is None
    session_form = SessionForm(request.POST or None) if can_record else None
    if request.method == "POST" and session_form is not None and session_form.is_valid():
        try:
            class_session_create(offline_class=oc, **session_form.cleaned_data)
            messages.success(request, "课次已添加")
            return redirect("class-detail", pk=oc.pk)
        except ValidationError as exc:
            _errors(request, exc)
    context = {
        "oc": oc,
        "sessions": sessions,
        "progress": progress,
        "can_record": can_record,
        "session_form": session_form,
        "n_complete": sum(p.complete for p in progress),
    }
    return render(request, "training/class_detail.html", context)


def _parse_time(day: datetime.date, text: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.datetime.combine(day, datetime.time.fromisoformat(text))
    except ValueError:
        raise ValidationError(f"时间格式应为 时:分（收到 {text}）") from None
    return timezone.make_aware(moment)


@login_required
def attendance_sheet(request, pk):
    """The provider's staff record sign-in and sign-out times of every trainee of the class for one session."""
    session = get_object_or_404(visible(request.user, ClassSession.objects.select_related("offline_class")), pk=pk)
    reason = attendance_recorder_error(request.user, session)
    enrollments = list(
        session.offline_class.enrollments.filter(status=EnrollmentStatus.ACTIVE)
        .select_related("trainee")
        .order_by("trainee__name")
    )
    if request.method == "POST" and reason is None:
        saved = 0
        for enrollment in enrollments:
            signed_in = request.POST.get(f"in-{enrollment.pk}", "")
            if not signed_in.strip():
                continue
            try:
                attendance_record(
                    session=session,
                    enrollment=enrollment,
                    recorded_by=request.user,
                    signed_in_at=_parse_time(session.date, signed_in),
                    signed_out_at=_parse_time(session.date, request.POST.get(f"out-{enrollment.pk}", "")),
                )
                saved += 1
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, f"{enrollment.trainee.name}：{message}")
        messages.success(request, f"已记录 {saved} 人的考勤")
        return redirect("attendance-sheet", pk=session.pk)
    records = {a.enrollment_id: a for a in Attendance.objects.filter(session=session).select_related("recorded_by")}
    rows = [(e, records.get(e.pk)) for e in enrollments]
    context = {
        "session": session,
        "rows": rows,
        "forbidden": reason,
        "n_present": sum(1 for _, a in rows if a and a.signed_out_at),
    }
    return render(request, "training/attendance_sheet.html", context)


@login_required
def my_progress(request):
    """A trainee's hours and what is still missing, per project."""
    enrollments = visible(
        request.user, Enrollment.objects.select_related("trainee", "project__region", "offline_class")
    )
    enrollments = list(enrollments.filter(trainee_id=request.user.trainee_id)) if request.user.trainee_id else []
    lessons = lesson_rows(request.user.trainee, enrollments) if enrollments else []
    sessions = (
        visible(request.user, ClassSession.objects.select_related("offline_class"))
        .filter(offline_class__enrollments__in=enrollments)
        .order_by("date", "start")
    )
    context = {
        # the same lesson rows as /study/ (training/selectors/lessons.py): the two pages cannot disagree
        "progress": [
            (p, [row for row in lessons if row.enrollment_id == p.enrollment.pk])
            for p in progress_for_enrollments(enrollments)
        ],
        "sessions": sessions,
        "today": timezone.localdate(),
    }
    return render(request, "training/my_progress.html", context)
