"""Reads about face templates: a trainee's own template history (shown on their home page)."""

from __future__ import annotations

from proctoring.models import FaceTemplateEvent, ReviewStatus, TemplateReview

HISTORY_TEMPLATE = "proctoring/_template_history.html"


def template_history_section(user) -> dict | None:
    """Trainee home section (training.selectors.dashboard.TRAINEE_HOME_SECTIONS): every change of the trainee's own
    template, who made it, when, why and how far the new face was from the previous one."""
    if not user.is_authenticated or user.trainee_id is None:
        return None
    events = FaceTemplateEvent.objects.filter(trainee_id=user.trainee_id).select_related("actor")[:50]
    pending = TemplateReview.objects.filter(trainee_id=user.trainee_id, status=ReviewStatus.PENDING).exists()
    return {"template": HISTORY_TEMPLATE, "events": list(events), "pending": pending}


def template_review_panel(user) -> dict | None:
    """Staff home tile for reviewers (proctoring.review_template): replacements waiting in their scope."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from proctoring.services.template_review import may_review_templates, pending_template_reviews

    if user.trainee_id is not None or not may_review_templates(user):
        return None
    return {
        "label": _("待复核的人脸模板替换"),
        "value": pending_template_reviews(user).count(),
        "note": _("与原模板差异过大的重新采集，复核通过后才生效"),
        "url": reverse("proctoring:template-reviews"),
    }
