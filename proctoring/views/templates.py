"""Review of held face-template replacements (HR officers and auditors in scope, proctoring.review_template).
Thin: the rule is proctoring/services/template_review.py; the photos open through the logged photo view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from proctoring import faces
from proctoring.models import TemplateReview
from proctoring.services.template_review import may_review_templates, pending_template_reviews, template_review_decide
from training.scope import visible


def _reviewer(request):
    if not may_review_templates(request.user):
        raise PermissionDenied(_("只有复核人员可以复核人脸模板替换"))
    return request.user


@login_required
def review_list(request):
    user = _reviewer(request)
    return render(request, "proctoring/template_review_list.html", {"reviews": pending_template_reviews(user)[:200]})


@login_required
def review_detail(request, pk: int):
    user = _reviewer(request)
    review = get_object_or_404(visible(user, TemplateReview.objects.select_related("trainee", "requested_by")), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("approve", "reject"):
            messages.error(request, _("复核：请选择通过或驳回"))
        else:
            try:
                template_review_decide(
                    review=review, reviewer=user, approve=action == "approve", reason=request.POST.get("reason", "")
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("已保存复核结果"))
                return redirect("proctoring:template-reviews")
    return render(request, "proctoring/template_review.html", {"review": review, "tolerance": faces.tolerance()})
