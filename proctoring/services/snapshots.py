"""Verification of one study snapshot (run by the Celery task proctoring.tasks.verify_snapshot).

- The frame's header is read first: a frame that is not a readable image, or claims more than
  FACE_IMAGE_MAX_PIXELS (proctoring.faces' safe loader), is a failed check (`unreadable`), never decoded.
- The face is checked with the one code path (proctoring.faces.check_face) against the trainee's own template.
- Replay (`static`): the frame's signature is compared with the trainee's recent snapshots, across all their
  sessions (FACE_REPLAY_RECENT of them), and with the enrolment photo while it is kept: a still photo passes once,
  never again in a new session.
- Every encoded face is searched against the templates of the other trainees of the same project and provider
  (proctoring.search: a per-worker cache of the scope's templates, reloaded when the scope's version changes): a
  face that matches ANOTHER trainee's template is the signature of organised proxy study and raises a proxy flag.
- A passed check credits its stretch (proctoring.services.study.study_credit).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from proctoring import faces, search
from proctoring.models import EnrolmentPhoto, Snapshot, SnapshotVerdict, StudySession

logger = logging.getLogger(__name__)

FAILED_UNREADABLE = SnapshotVerdict.UNREADABLE


def proxy_candidates(session: StudySession) -> list[tuple[int, object]]:
    """(trainee id, template) of everyone else on a roster of the same project or of the same provider."""
    return roster_templates(project=session.enrollment.project, exclude_trainee_id=session.trainee_id)


def roster_templates(*, project, exclude_trainee_id: int) -> list[tuple[int, object]]:
    """The candidates of the one proxy search: (trainee id, template) of everyone but `exclude_trainee_id` on a
    roster of the project or of its provider. Used for study snapshots and for new templates at enrolment."""
    from proctoring.crypto import decrypt_template
    from proctoring.models import FaceTemplate

    rosters = Q(trainee__enrollments__project=project)
    if project.provider_id:
        rosters |= Q(trainee__enrollments__project__provider_id=project.provider_id)
    rows = (
        FaceTemplate.objects.filter(rosters)
        .exclude(trainee_id=exclude_trainee_id)
        .values_list("trainee_id", "encrypted")
        .distinct()
    )
    return [(trainee_id, decrypt_template(bytes(token))) for trainee_id, token in rows]


def snapshot_image_bytes(snapshot: Snapshot) -> bytes:
    """The decrypted JPEG. Callers that show it to a person log the view (proctoring.services.audit)."""
    from proctoring.crypto import decrypt_bytes

    with snapshot.image.open("rb") as fh:
        return decrypt_bytes(fh.read())


def _signature_list(signature) -> list:
    return [round(float(v), 2) for v in signature.ravel()]


def frame_header_error(image_bytes: bytes) -> str | None:
    """Why a frame must not be decoded (proctoring.faces.image_error, the one safe loader's header check: not a
    JPEG/PNG, too many bytes or pixels), or None. A small file claiming 20000×20000 costs nothing."""
    return faces.image_error(image_bytes)


def _decode_frame(image_bytes: bytes):
    """The frame as an RGB array, or None when it is unreadable or too large (header checked first)."""
    error = frame_header_error(image_bytes)
    if error:
        logger.info("snapshot refused before decoding: %s", error)
        return None
    try:
        return faces.load_image(image_bytes)
    except Exception as exc:  # noqa: BLE001 - a frame that fails to decode is a failed check, never a 500
        logger.info("snapshot could not be decoded: %s", exc)
        return None


def _as_signature(values):
    import numpy as np

    return np.asarray(values, dtype=np.float32).reshape(faces.SIGNATURE_SIZE[1], faces.SIGNATURE_SIZE[0])


def _recent_signatures(snapshot: Snapshot) -> list:
    """The trainee's recent snapshot signatures across all their sessions, newest first."""
    limit = int(getattr(settings, "FACE_REPLAY_RECENT", 50))
    rows = (
        Snapshot.objects.filter(session__trainee_id=snapshot.session.trainee_id, signature__isnull=False)
        .exclude(pk=snapshot.pk)
        .order_by("-requested_at", "-pk")
        .values_list("signature", flat=True)[:limit]
    )
    return [_as_signature(values) for values in rows]


@lru_cache(maxsize=256)
def _photo_signature(photo_id: int):
    """The replay signature of an enrolment photo (rows never change; cached per worker process)."""
    from proctoring.services.enrolment import enrolment_photo_bytes

    photo = EnrolmentPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    data = enrolment_photo_bytes(photo)
    if frame_header_error(data):
        return None
    try:
        return faces.frame_signature(faces.load_image(data))
    except faces.ImageUnreadable:
        return None


def _enrolment_signatures(trainee_id: int) -> list:
    ids = EnrolmentPhoto.objects.filter(trainee_id=trainee_id).values_list("pk", flat=True)
    return [sig for sig in (_photo_signature(pk) for pk in ids) if sig is not None]


def replayed(signature, snapshot: Snapshot) -> bool:
    """Is this frame a replay of one the trainee already sent (any session) or of their enrolment photo?"""
    known = _recent_signatures(snapshot) + _enrolment_signatures(snapshot.session.trainee_id)
    return any(faces.is_static(signature, previous) for previous in known)


def _check(reference, image_bytes: bytes, snapshot: Snapshot):
    """(verdict, distance, faces, encoding, signature list) of one frame."""
    image = _decode_frame(image_bytes)
    if image is None:
        return FAILED_UNREADABLE, None, 0, None, None
    check = faces.check_face(reference, image)
    signature = _signature_list(check.signature)
    if replayed(check.signature, snapshot):
        return SnapshotVerdict.STATIC, None, check.faces, None, signature
    return str(check.verdict), check.distance, check.faces, check.encoding, signature


def snapshot_verify(*, snapshot_id: int) -> dict:
    """Check the frame, store the verdict, raise flags. Returns the message for the page (verdict, distance...)."""
    from proctoring.services.enrolment import template_for
    from proctoring.services.flags import flag_raise_failed_check, flag_raise_proxy

    snapshot = (
        Snapshot.objects.select_related("session__trainee", "session__enrollment__project")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None:  # deleted with the trainee's biometric data (consent withdrawn) before it was checked
        return {"seq": None, "verdict": SnapshotVerdict.NO_TEMPLATE, "distance": None, "faces": 0, "proxy": False}
    if snapshot.verdict:  # a redelivered task (acks_late): the verdict stands; a pass is credited once
        done = {"seq": snapshot.seq, "verdict": snapshot.verdict, "distance": snapshot.distance}
        return {**done, **_credit(snapshot)} if snapshot.passed else done
    session = snapshot.session
    reference = template_for(session.trainee)
    if reference is None:
        return _refuse_without_template(snapshot)
    image_bytes = snapshot_image_bytes(snapshot)
    verdict, distance, count, encoding, signature = _check(reference, image_bytes, snapshot)
    matches = (
        search.nearest_in_scope(encoding, project=session.enrollment.project, exclude_trainee_id=session.trainee_id)
        if encoding is not None
        else []
    )
    with transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).update(
            verdict=verdict, distance=distance, faces=count, signature=signature, checked_at=timezone.now()
        )
        snapshot.refresh_from_db()
        counter = "checks_passed" if verdict == SnapshotVerdict.MATCH else "checks_failed"
        StudySession.objects.filter(pk=session.pk).update(**{counter: F(counter) + 1})
        if verdict != SnapshotVerdict.MATCH:
            flag_raise_failed_check(snapshot=snapshot)
        for trainee_id, match_distance in matches[:1]:
            flag_raise_proxy(snapshot=snapshot, matched_trainee_id=trainee_id, distance=match_distance)
    result = {
        "seq": snapshot.seq,
        "verdict": verdict,
        "distance": None if distance is None else round(distance, 4),
        "faces": count,
        "proxy": bool(matches),
    }
    if verdict == SnapshotVerdict.MATCH:
        result.update(_credit(snapshot))
    return result


def _credit(snapshot: Snapshot) -> dict:
    """Credit the passed check's stretch; what the page shows afterwards."""
    from proctoring.services.study import study_credit

    try:
        credit = study_credit(session_id=snapshot.session_id, seq=snapshot.seq)
    except ValidationError as error:  # e.g. the enrolment is no longer active: the check passed, nothing counts
        logger.warning("snapshot %s passed but credits nothing: %s", snapshot.pk, error.messages[0])
        session = StudySession.objects.get(pk=snapshot.session_id)
        return {"verified_second": session.verified_second, "credited_seconds": session.credited_seconds}
    return {"verified_second": credit.verified_second, "credited_seconds": credit.credited_seconds}


def _refuse_without_template(snapshot: Snapshot) -> dict:
    """The template vanished (consent withdrawn) after the frame was stored: a failed check that verifies nothing,
    raises no flag (there is no face to compare with) and keeps no image."""
    with transaction.atomic():
        if snapshot.image:
            snapshot.image.delete(save=False)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            verdict=SnapshotVerdict.NO_TEMPLATE, image="", checked_at=timezone.now()
        )
        StudySession.objects.filter(pk=snapshot.session_id).update(checks_failed=F("checks_failed") + 1)
    return {"seq": snapshot.seq, "verdict": SnapshotVerdict.NO_TEMPLATE, "distance": None, "faces": 0, "proxy": False}
