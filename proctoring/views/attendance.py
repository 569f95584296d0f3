"""QR sign-in/sign-out of offline sessions (issue 7): the teacher's screen and the trainee's phone. Thin: the code
is signed and checked by training.services.checkin, the face by proctoring.services.attendance, and the
attendance is written by training.services.classes.

- qr_screen (provider staff): the code of the session, rotating every TOKEN_SECONDS (the page fetches a new one);
- scan (trainee): the URL the code encodes. Scanning it with the phone's own camera app opens it directly
  (signed in); the page's scanner (static/js/attendance_scan.js) opens it the same way. A fresh code gives a
  short ticket; the trainee then confirms, with a face photo where they consented.
"""

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring.services.attendance import attendance_scan, face_check_required
from training.models import Attendance, ClassSession, EnrollmentStatus
from training.rules import hours_text
from training.scope import visible
from training.selectors.attendance import credited_by_attendance
from training.services.checkin import (
    ACTIONS,
    CHECK_IN,
    TOKEN_SECONDS,
    checkin_ticket,
    checkin_token,
    checkin_token_verify,
)
from training.services.classes import attendance_recorder_error

_SESSIONS = ClassSession.objects.select_related("offline_class__project")


@login_required
def qr_screen(request, pk: int):
    session = get_object_or_404(visible(request.user, _SESSIONS), pk=pk)
    refused = attendance_recorder_error(request.user, session)
    if refused:
        raise PermissionDenied(refused)
    action = request.GET.get("action", CHECK_IN)
    action = action if action in ACTIONS else CHECK_IN
    started = timezone.now() >= session.starts_at()
    url = svg = ""
    if started:
        token = checkin_token(session_id=session.pk, action=action)
        url = request.build_absolute_uri(f"{reverse('proctoring:attendance-scan', args=[session.pk])}?t={token}")
        svg = segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
    rows = Attendance.objects.filter(session=session)
    data = {
        "svg": svg,
        "url": url,
        "started": started,
        "seconds": TOKEN_SECONDS,
        "signed_in": rows.count(),
        "signed_out": rows.filter(signed_out_at__isnull=False).count(),
        "enrolled": session.offline_class.enrollments.filter(status=EnrollmentStatus.ACTIVE).count(),
    }
    if request.GET.get("format") == "json":
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response
    context = {**data, "session": session, "action": action, "action_label": ACTIONS[action]}
    return render(request, "proctoring/attendance_qr.html", context)


def _trainee_session(request, pk: int):
    if request.user.trainee_id is None:
        raise PermissionDenied(_("只有学员本人可以扫码签到"))
    # Out of scope (not in the class) = 404, like every other page.
    return get_object_or_404(visible(request.user, _SESSIONS), pk=pk)


def _done(attendance, action: str) -> str:
    if action == CHECK_IN:
        return _("签到成功：%(t)s") % {"t": timezone.localtime(attendance.signed_in_at).strftime("%H:%M")}
    seconds = credited_by_attendance([attendance]).get(attendance.pk)
    return _("签退成功：%(t)s，记入 %(h)s 学时") % {
        "t": timezone.localtime(attendance.signed_out_at).strftime("%H:%M"),
        "h": hours_text(seconds or 0),
    }


@login_required
def scan(request, pk: int):
    session = _trainee_session(request, pk)
    face = face_check_required(request.user.trainee)
    if request.method == "POST":
        wants_json = "image" in request.FILES or request.headers.get("Accept") == "application/json"
        try:
            upload = request.FILES.get("image")
            attendance, action = attendance_scan(
                session=session,
                user=request.user,
                ticket=request.POST.get("ticket", ""),
                image_bytes=upload.read() if upload else None,
            )
        except ValidationError as error:
            reason = " ".join(error.messages)
            if wants_json:
                return JsonResponse({"ok": False, "reason": reason}, status=422)
            return render(
                request, "proctoring/attendance_scan.html", {"session": session, "error": reason}, status=422
            )
        message = _done(attendance, action)
        if wants_json:
            return JsonResponse({"ok": True, "message": message})
        return render(request, "proctoring/attendance_scan.html", {"session": session, "message": message})
    try:
        action = checkin_token_verify(session_id=session.pk, token=request.GET.get("t", ""))
    except ValidationError as error:
        context = {"session": session, "error": " ".join(error.messages)}
        return render(request, "proctoring/attendance_scan.html", context, status=400)
    context = {
        "session": session,
        "action": action,
        "action_label": ACTIONS[action],
        "ticket": checkin_ticket(session_id=session.pk, action=action, user_id=request.user.pk),
        "face": face,
    }
    return render(request, "proctoring/attendance_scan.html", context)


@login_required
def scanner(request):
    """The in-page QR scanner (BarcodeDetector where the browser has it); the phone's camera app works too."""
    if request.user.trainee_id is None:
        raise PermissionDenied(_("只有学员本人可以扫码签到"))
    return render(request, "proctoring/attendance_scanner.html")
