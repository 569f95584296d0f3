"""Flag review pages for EM / HR officers and third-party auditors in scope, the trainee's appeal, and the
logged view of a snapshot image. Thin: rules in proctoring/services/flags.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from proctoring.faces import tolerance as face_tolerance
from proctoring.models import Flag, FlagKind, FlagStatus, ImageKind, ProxyRing, RingStatus, Snapshot
from proctoring.selectors.review import distance_words, matched_photo, reference_photo, session_timeline
from proctoring.selectors.study import confirmed_proxies_by_provider, flag_counts, flags_for
from proctoring.services import flags as flag_services
from training.scope import visible


@login_required
def flag_list(request):
    if not flag_services.can_review(request.user):
        raise PermissionDenied
    status = request.GET.get("status", FlagStatus.OPEN)
    kind = request.GET.get("kind", "")
    appeal = request.GET.get("appeal", "")
    context = {
        "flags": flags_for(request.user, status=status, kind=kind, appeal=appeal)[:500],
        "counts": flag_counts(request.user),
        "providers": confirmed_proxies_by_provider(request.user),
        "status": status,
        "kind": kind,
        "statuses": FlagStatus.choices,
        "kinds": FlagKind.choices,
        "open_rings": visible(request.user, ProxyRing.objects.filter(status=RingStatus.OPEN)).count(),
    }
    return render(request, "proctoring/flag_list.html", context)


def flag_appeal_days():
    return settings.FLAG_APPEAL_DAYS


def _flag_for(user, pk) -> Flag:
    return get_object_or_404(
        visible(user, Flag.objects.select_related("enrollment__trainee", "session__lesson", "matched_trainee")),
        pk=pk,
    )


REVIEW_ACTIONS = {"confirm", "dismiss"}


def _flag_post(request, flag, reviewer):
    """Writes of the flag page. Confirm and dismiss take two steps: the first POST shows what will happen and asks
    again (returns the context of that confirmation); the second, with confirmed=1, decides."""
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    if action in REVIEW_ACTIONS and reviewer and request.POST.get("confirmed") != "1":
        if not reason.strip():
            messages.error(request, _("审核理由：必须填写"))
            return None
        return {"action": action, "reason": reason}
    try:
        if action in REVIEW_ACTIONS:
            flag_services.flag_review(flag=flag, reviewer=request.user, confirm=action == "confirm", reason=reason)
        elif action in ("uphold", "reject"):
            flag_services.flag_appeal_decide(flag=flag, user=request.user, upheld=action == "uphold", reason=reason)
        elif action == "appeal":
            flag_services.flag_appeal(flag=flag, user=request.user, text=request.POST.get("text", ""))
        else:
            raise ValidationError(_("未知的操作“%(action)s”，未保存任何内容") % {"action": action or ""})
        messages.success(request, _("已保存"))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return None


@login_required
def flag_detail(request, pk: int):
    flag = _flag_for(request.user, pk)
    reviewer = flag_services.can_review(request.user)
    if not reviewer and request.user.trainee_id != flag.enrollment.trainee_id:
        raise Http404
    pending = None
    if request.method == "POST":
        pending = _flag_post(request, flag, reviewer)
        if pending is None:
            return redirect("proctoring:flag-detail", pk=flag.pk)
    tol = face_tolerance()
    snapshots = list(flag.snapshots.order_by("seq"))
    context = {
        "flag": flag,
        "snapshots": [(s, distance_words(s.distance, tol)) for s in snapshots],
        "reviewer": reviewer,
        "pending": pending,
        "tolerance": tol,
        "timeline": session_timeline(flag),
        "appeal_days": flag_appeal_days(),
    }
    if reviewer:
        context.update(
            {
                "view_reason": request.GET.get("reason", "").strip(),
                "photo": reference_photo(flag),
                "matched_photo": matched_photo(flag),
                "matched_words": distance_words(flag.matched_distance, tol, own=False)
                if flag.matched_trainee_id
                else "",
            }
        )
    return render(request, "proctoring/flag_detail.html", context, status=200)


@login_required
def my_flags(request):
    if request.user.trainee_id is None:
        raise PermissionDenied
    flags = Flag.objects.filter(enrollment__trainee_id=request.user.trainee_id).select_related("session__lesson")
    return render(request, "proctoring/my_flags.html", {"flags": flags})


@login_required
def snapshot_image(request, pk: int):
    """A snapshot image, to reviewers in scope only; every view is logged (who, which image, when)."""
    from proctoring.services.audit import image_access_log

    if not flag_services.can_review(request.user):
        raise PermissionDenied
    snapshot = get_object_or_404(visible(request.user, Snapshot.objects.select_related("session")), pk=pk)
    if not snapshot.image:
        raise Http404("图像已按保存期限删除")
    reason = request.GET.get("reason", "").strip()
    if not reason:  # first the reason, then the image (as for enrolment photos); the reason goes into the log
        context = {"who": snapshot.session.trainee, "when": snapshot.taken_at, "what": _("学习抓拍")}
        return render(request, "proctoring/image_reason.html", context)
    kind = ImageKind.FLAG_EVIDENCE if snapshot.flags.exists() else ImageKind.SNAPSHOT
    image_access_log(
        viewer=request.user,
        image_kind=kind,
        image_id=snapshot.pk,
        trainee=snapshot.session.trainee,
        reason=reason,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    from proctoring.services.snapshots import snapshot_image_bytes

    response = HttpResponse(snapshot_image_bytes(snapshot), content_type="image/jpeg")
    response["Cache-Control"] = "no-store"  # biometric data: never left in a browser or proxy cache
    return response
