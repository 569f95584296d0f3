"""Reads about biometric data held (SPEC 三(三) retention: the HR officer's home page shows how many people)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

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
