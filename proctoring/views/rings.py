"""Proxy rings across a province for its reviewers: the list, and one ring with its accounts, providers, distances
and the decision. Thin: the rule is proctoring/services/rings.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from proctoring.models import ProxyRing, RingStatus
from proctoring.services import rings as ring_services
from proctoring.services.flags import can_review
from training.scope import visible


def _rings(user):
    if not can_review(user):
        raise PermissionDenied
    return visible(user, ProxyRing.objects.select_related("province", "reviewer"))


@login_required
def ring_list(request):
    rings = _rings(request.user)
    status = request.GET.get("status", RingStatus.OPEN)
    if status not in RingStatus.values:
        status = ""
    shown = rings.filter(status=status) if status else rings
    counts = {value: rings.filter(status=value).count() for value in RingStatus.values}
    context = {"rings": shown.order_by("-size", "min_distance")[:500], "status": status, "counts": counts}
    return render(request, "proctoring/ring_list.html", context)


@login_required
def ring_detail(request, pk: int):
    ring = get_object_or_404(_rings(request.user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action not in ("confirm", "dismiss"):
                raise ValidationError(_("未知的操作“%(action)s”，未保存任何内容") % {"action": action or ""})
            _ring, flags = ring_services.ring_review(
                ring=ring, reviewer=request.user, confirm=action == "confirm", reason=request.POST.get("reason", "")
            )
            if action == "confirm":
                opened = _("已确认：为 %(n)s 个项目学员开立了代学异常，请逐个审核") % {"n": len(flags)}
                messages.success(request, opened)
            else:
                messages.success(request, _("已排除该团伙"))
            return redirect("proctoring:ring-detail", pk=ring.pk)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    names = {m["trainee"]: m["name"] for m in ring.members}
    links = [{**link, "a_name": names.get(link["a"], ""), "b_name": names.get(link["b"], "")} for link in ring.links]
    flags = ring.flags.select_related("enrollment__trainee", "enrollment__project").order_by("pk")
    context = {"ring": ring, "links": links, "flags": flags}
    return render(request, "proctoring/ring_detail.html", context)
