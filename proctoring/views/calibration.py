"""人脸核验校准 (HR): the tolerance against the reviewed flags in scope, and changing it (rule data).
Thin: numbers in proctoring/selectors/calibration.py, the change in proctoring/services/tolerance.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from proctoring import faces
from proctoring.models import FaceTolerance
from proctoring.selectors.calibration import calibration
from proctoring.services.tolerance import can_set_tolerance, face_tolerance_set, tolerance_value_error


def _proposed(request, current: float) -> float:
    value = request.GET.get("tolerance", "")
    if value and tolerance_value_error(value) is None:
        return float(value)
    return current


@login_required
@permission_required("proctoring.calibrate_faces", raise_exception=True)
def calibration_page(request):
    errors = {}
    if request.method == "POST":
        try:
            face_tolerance_set(
                user=request.user,
                value=request.POST.get("value", ""),
                effective_from=_date(request.POST.get("effective_from", "")),
                reason=request.POST.get("reason", ""),
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("已保存：新阈值自生效日期起用于每一次人脸核验"))
            return redirect("proctoring:face-calibration")
    current = faces.tolerance()
    proposed = _proposed(request, current)
    context = {
        "current": current,
        "proposed": proposed,
        "data": calibration(request.user, tolerance=current, proposed=proposed),
        "history": FaceTolerance.objects.select_related("changed_by")[:20],
        "can_set": can_set_tolerance(request.user),
        "errors": errors,
        "today": timezone.localdate(),
    }
    return render(request, "proctoring/face_calibration.html", context)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({"effective_from": _("生效日期：格式应为 YYYY-MM-DD")}) from exc
