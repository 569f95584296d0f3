"""Reads about biometric data held (SPEC 三(三) retention: the HR officer's home page shows how many people)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from training.models import Trainee
from training.scope import visible


def _holds_face_data() -> Q:
    """A trainee whose face the system holds: a template, an enrolment photo or a study snapshot image.
    EXISTS subqueries, so the count stays one cheap query however many snapshots there are."""
    from proctoring.models import EnrolmentPhoto, FaceTemplate, Snapshot

    person = OuterRef("pk")
    return (
        Q(Exists(FaceTemplate.objects.filter(trainee=person)))
        | Q(Exists(EnrolmentPhoto.objects.filter(trainee=person)))
        | Q(Exists(Snapshot.objects.filter(session__trainee=person).exclude(image="")))
    )


def face_data_count(user) -> int:
    """How many people in the user's scope the system holds face data of."""
    return visible(user, Trainee.objects.filter(_holds_face_data())).count()


def face_data_panel(user) -> dict | None:
    """Home-page tile: how many people's face data the system holds in the user's scope (HR officer's home)."""
    if not user.has_perm("proctoring.view_face_data_count"):
        return None
    return {
        "label": _("持有人脸数据的人数"),
        "value": face_data_count(user),
        "note": _("未标记的抓拍 %(hours)s 小时后删除") % {"hours": settings.BIOMETRIC_SNAPSHOT_RETENTION_HOURS},
        "url": reverse("admin:proctoring_biometricconsent_changelist"),
    }
