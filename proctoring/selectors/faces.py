"""Reads about biometric data held (SPEC 三(三) retention: the HR officer's home page shows how many people)."""

from __future__ import annotations

from django.db.models import Q

from training.models import Trainee
from training.scope import visible


def _holds_face_data() -> Q:
    """A trainee whose face the system holds: a template, an enrolment photo or a study snapshot image."""
    return (
        Q(face_templates__isnull=False)
        | Q(enrolment_photos__isnull=False)
        | Q(study_sessions__snapshots__image__gt="")
    )


def face_data_count(user) -> int:
    """How many people in the user's scope the system holds face data of."""
    people = visible(user, Trainee.objects.all()).filter(_holds_face_data())
    return people.values("pk").distinct().count()
