"""A lesson of an online course, and trainees who consented and enrolled a face, built through the services."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile

from proctoring.services.consent import consent_give
from proctoring.services.enrolment import face_enrol
from tests.training import builders
from training.models import Modality
from training.services.lessons import lesson_create
from training.services.people import trainee_account_create

PASSWORD = "Study-pass-2024"


def lesson(proj=None, *, duration: int = 600, title: str = "生命重于泰山（第一集）"):
    proj = proj or builders.project()
    plan = proj.plans.first() or builders.plan(proj)
    course = plan.courses.filter(modality=Modality.ONLINE, is_documentary=True).first()
    return lesson_create(
        course=course, title=title, video=ContentFile(b"\x00" * 64, name="clip.mp4"), duration_seconds=duration
    )


def student(proj, photo: Path | None):
    """An enrolled trainee with an account, consent and (if a photo is given) a reference face."""
    enrollment = builders.enrol(proj)
    trainee = enrollment.trainee
    user = trainee_account_create(trainee=trainee, password=PASSWORD)
    consent_give(trainee=trainee)
    if photo is not None:
        face_enrol(trainee=trainee, image_bytes=Path(photo).read_bytes())
    return user
