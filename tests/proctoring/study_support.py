"""A lesson of an online course, and trainees who consented and enrolled a face, built through the services."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db.models import F

from proctoring.models import Snapshot, StudySession
from proctoring.services import study
from proctoring.services.consent import consent_give
from proctoring.services.enrolment import face_enrol
from proctoring.services.snapshots import snapshot_verify
from tests.proctoring.frames import camera_frame, jpeg_bytes
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


def elapse(session, seconds: float) -> None:
    """Time passes for a session as on a real clock: its start and its checks move `seconds` into the past."""
    delta = timedelta(seconds=seconds)
    StudySession.objects.filter(pk=session.pk).update(started_at=F("started_at") - delta)
    Snapshot.objects.filter(session_id=session.pk).update(
        requested_at=F("requested_at") - delta, checked_at=F("checked_at") - delta
    )


_frame_numbers = itertools.count(100)


def _after_a_failure(session) -> bool:
    """After a failed check the next one is the re-check the page asks for (as the study page does)."""
    last = Snapshot.objects.filter(session_id=session.pk).exclude(verdict="").order_by("-seq").first()
    return last is not None and last.failed


def check(session, user, photo: Path, *, covers_until: float) -> Snapshot:
    """The server asks for a frame covering `covers_until`, the page sends a live camera frame of `photo`, and
    the verification task runs (a real face check; a pass credits through study_credit)."""
    snap = study.snapshot_request(session_id=session.pk, covers_until=covers_until, recheck=_after_a_failure(session))
    frame = jpeg_bytes(camera_frame(photo, index=next(_frame_numbers)))
    study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=frame)
    snapshot_verify(snapshot_id=snap.pk)  # what the task queued after commit does
    snap.refresh_from_db()
    return snap
