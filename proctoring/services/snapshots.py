"""Verification of one study snapshot (run by the Celery task proctoring.tasks.verify_snapshot).

The face is checked with the one code path (proctoring.faces.check_face) against the trainee's own template, with
the previous frame's signature for replay detection. Every encoded face is then searched against the templates of
the other trainees of the same project and provider (proctoring.search, a per-worker cache): a face that matches
ANOTHER trainee's template is the signature of organised proxy study and raises a proxy flag.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from proctoring import faces, search
from proctoring.models import Snapshot, SnapshotVerdict, StudySession


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


def _previous_signature(snapshot: Snapshot):
    import numpy as np

    previous = (
        Snapshot.objects.filter(session_id=snapshot.session_id, seq__lt=snapshot.seq, signature__isnull=False)
        .order_by("-seq")
        .values_list("signature", flat=True)
        .first()
    )
    if previous is None:
        return None
    return np.asarray(previous, dtype=np.float32).reshape(faces.SIGNATURE_SIZE[1], faces.SIGNATURE_SIZE[0])


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
    if snapshot.verdict:
        return {"seq": snapshot.seq, "verdict": snapshot.verdict, "distance": snapshot.distance}
    session = snapshot.session
    reference = template_for(session.trainee)
    if reference is None:
        return _refuse_without_template(snapshot)
    image_bytes = snapshot_image_bytes(snapshot)
    try:
        check = faces.check_face(reference, image_bytes, previous_signature=_previous_signature(snapshot))
        verdict, distance, count, encoding, signature = (
            str(check.verdict),
            check.distance,
            check.faces,
            check.encoding,
            _signature_list(check.signature),
        )
    except faces.ImageUnreadable:
        verdict, distance, count, encoding, signature = SnapshotVerdict.NO_FACE, None, 0, None, None
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
    return {
        "seq": snapshot.seq,
        "verdict": verdict,
        "distance": None if distance is None else round(distance, 4),
        "faces": count,
        "proxy": bool(matches),
    }


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
