"""Offline class, attendance and progress pages (thin: scope via visible(), writes via training.services)."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from training.forms import ClassAttendanceForm, ClassForm, SessionForm
from training.models import Attendance, ClassSession, Enrollment, EnrollmentStatus, OfflineClass, TrainingProject
from training.scope import visible
from training.selectors.attendance import (
    MANUAL,
    credited_by_attendance,
    manual_attendance,
    manual_attendance_by_provider,
    manual_hours_by_enrollment,
)
from training.selectors.completion import progress_for_enrollments
from training.selectors.lessons import lesson_rows
from training.selectors.policy import rule_set_in_force
from training.services.classes import (
    attendance_record,
    attendance_record_class,
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
    manual = manual_hours_by_enrollment([p.enrollment.pk for p in progress])
    for p in progress:
        p.manual_offline = manual.get(p.enrollment.pk, 0)
    sessions = (
        oc.sessions.select_related("teacher")
        .annotate(
            n_present=Count("attendances", filter=Q(attendances__signed_out_at__isnull=False)),
            n_manual=Count("attendances", filter=Q(attendances__in=Attendance.objects.filter(MANUAL))),
        )
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
        "max_per_day": rule_set_in_force(oc.project.region).max_offline_hours_per_day,
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


def _hm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def _save_rows(request, session, enrollments, records) -> int:
    """The typed rows: a row whose times did not change is left alone (a QR sign-in stays a QR sign-in)."""
    saved = 0
    for enrollment in enrollments:
        signed_in = request.POST.get(f"in-{enrollment.pk}", "").strip()
        signed_out = request.POST.get(f"out-{enrollment.pk}", "").strip()
        old = records.get(enrollment.pk)
        if not signed_in or (old and (_hm(old.signed_in_at), _hm(old.signed_out_at)) == (signed_in, signed_out)):
            continue
        try:
            attendance_record(
                session=session,
                enrollment=enrollment,
                recorded_by=request.user,
                signed_in_at=_parse_time(session.date, signed_in),
                signed_out_at=_parse_time(session.date, signed_out),
                reason=request.POST.get(f"reason-{enrollment.pk}", ""),
            )
            saved += 1
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return saved


def _save_all(request, session, enrollments) -> int:
    form = ClassAttendanceForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}")
        return 0
    present = set(request.POST.getlist("present"))
    data = form.cleaned_data
    at = partial(datetime.datetime.combine, session.date)
    try:
        recorded, errors = attendance_record_class(
            session=session,
            absent=[e.pk for e in enrollments if str(e.pk) not in present],
            signed_in_at=timezone.make_aware(at(data["signed_in"])),
            signed_out_at=timezone.make_aware(at(data["signed_out"])) if data["signed_out"] else None,
            recorded_by=request.user,
            reason=data["reason"],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return 0
    for message in errors:
        messages.error(request, message)
    return len(recorded)


@login_required
def attendance_sheet(request, pk):
    """Attendance of one session: QR sign-ins as the trainees made them, and the staff's typed entries (a reason
    per person) or 全部签到 (one reason for the batch, recorded per person), all marked manual."""
    session = get_object_or_404(visible(request.user, ClassSession.objects.select_related("offline_class")), pk=pk)
    reason = attendance_recorder_error(request.user, session)
    enrollments = list(
        session.offline_class.enrollments.filter(status=EnrollmentStatus.ACTIVE)
        .select_related("trainee")
        .order_by("trainee__name")
    )
    records = {a.enrollment_id: a for a in Attendance.objects.filter(session=session).select_related("recorded_by")}
    if request.method == "POST" and reason is None:
        if request.POST.get("action") == "all":
            saved = _save_all(request, session, enrollments)
        else:
            saved = _save_rows(request, session, enrollments, records)
        messages.success(request, f"已记录 {saved} 人的考勤")
        return redirect("attendance-sheet", pk=session.pk)
    credited = credited_by_attendance(records.values())
    rows = [(e, records.get(e.pk), credited.get(records[e.pk].pk) if e.pk in records else None) for e in enrollments]
    context = {
        "session": session,
        "rows": rows,
        "forbidden": reason,
        "n_present": sum(1 for _, a, _c in rows if a and a.signed_out_at),
        "n_manual": sum(1 for _, a, _c in rows if a and a.is_manual),
        "started": timezone.now() >= session.starts_at(),
        "all_form": ClassAttendanceForm(initial={"signed_in": session.start, "signed_out": session.end}),
    }
    return render(request, "training/attendance_sheet.html", context)


@login_required
@permission_required("training.audit_attendance", raise_exception=True)
def manual_attendance_list(request):
    """For auditors and officials: attendance typed by provider staff, per provider, with the reason given."""
    provider_id = request.GET.get("provider")
    provider_id = int(provider_id) if provider_id and provider_id.isdigit() else None
    rows = manual_attendance(request.user, provider_id=provider_id)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "providers": manual_attendance_by_provider(request.user),
        "page": page,
        "provider_id": provider_id,
        "query": f"provider={provider_id}" if provider_id else "",
    }
    return render(request, "training/manual_attendance.html", context)


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
    progress = progress_for_enrollments(enrollments)
    manual = manual_hours_by_enrollment([e.pk for e in enrollments])
    for p in progress:
        p.manual_offline = manual.get(p.enrollment.pk, 0)  # typed by staff, marked manual in every report
    context = {
        # the same lesson rows as /study/ (training/selectors/lessons.py): the two pages cannot disagree
        "progress": [(p, [row for row in lessons if row.enrollment_id == p.enrollment.pk]) for p in progress],
        "sessions": sessions,
        "today": timezone.localdate(),
    }
    return render(request, "training/my_progress.html", context)
