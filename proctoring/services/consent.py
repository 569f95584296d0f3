"""Consent to biometric processing: given, declined (the other way: offline study verified in person), withdrawn.

Rule (SPEC 三(三) with 个人信息保护法 第二十九条): no face is processed or stored without a separate consent in force;
withdrawing deletes the templates and photos at once, and the withdrawal row records what was deleted; it also
ends every open study session of the trainee at once (their pages are told through the channel layer), so no
further frame is taken or stored.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from proctoring.consent_text import CONSENT_TEXT_VERSION
from proctoring.models import BiometricConsent, ConsentDecision, EnrolmentPhoto, Snapshot
from proctoring.services.study_retention import delete_unflagged_snapshots
from proctoring.services.template_events import templates_delete
from training.models import Trainee


def current_consent(trainee) -> BiometricConsent | None:
    """The trainee's latest decision, or None when they have not been asked yet."""
    return BiometricConsent.objects.filter(trainee=trainee).order_by("-created_at", "-pk").first()


def has_biometric_consent(trainee) -> bool:
    latest = current_consent(trainee)
    return latest is not None and latest.decision == ConsentDecision.CONSENT


def on_alternative_path(trainee) -> bool:
    """The trainee declined or withdrew: they study offline, verified in person."""
    latest = current_consent(trainee)
    return latest is not None and latest.decision != ConsentDecision.CONSENT


def _lock(trainee) -> Trainee:
    return Trainee.objects.select_for_update().get(pk=trainee.pk)


def _record(trainee, decision, *, ip_address=None, user_agent="", recorded_by=None, **extra) -> BiometricConsent:
    row = BiometricConsent(
        trainee=trainee,
        decision=decision,
        text_version=CONSENT_TEXT_VERSION,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:255],
        recorded_by=recorded_by,
        **extra,
    )
    row.full_clean()
    row.save()
    return row


def biometric_data_delete(trainee, *, actor=None, reason: str = "") -> tuple[int, int]:
    """End the trainee's open study sessions, then delete every template (recorded as a template event), enrolment
    photo and unflagged study snapshot of the trainee. The caller holds the trainee's row lock.

    Returns (templates, images) deleted. Snapshots that are a flag's evidence stay until that case closes
    (the retention job then deletes them): withdrawing consent does not erase evidence of proxy study.
    """
    from proctoring.services.study import study_sessions_end_for_trainee

    reason = reason or _("撤回人脸核验同意")
    study_sessions_end_for_trainee(trainee_id=trainee.pk, reason=_("已撤回人脸核验同意，在线学习已结束"))
    templates = templates_delete(trainee=trainee, actor=actor, reason=reason)
    photos, _deleted = EnrolmentPhoto.objects.filter(trainee=trainee).delete()
    snapshots = delete_unflagged_snapshots(Snapshot.objects.filter(session__trainee=trainee))
    return templates, photos + snapshots


@transaction.atomic
def consent_give(*, trainee, ip_address=None, user_agent="", recorded_by=None) -> BiometricConsent:
    """Record the trainee's separate consent to face verification, on the current text version."""
    trainee = _lock(trainee)
    return _record(
        trainee, ConsentDecision.CONSENT, ip_address=ip_address, user_agent=user_agent, recorded_by=recorded_by
    )


@transaction.atomic
def consent_choose_alternative(*, trainee, ip_address=None, user_agent="", recorded_by=None) -> BiometricConsent:
    """The trainee declines: they are routed to offline study verified in person; nothing biometric is kept."""
    trainee = _lock(trainee)
    templates, photos = biometric_data_delete(trainee, actor=recorded_by, reason=_("改为线下学习（现场核验）"))
    return _record(
        trainee,
        ConsentDecision.ALTERNATIVE,
        ip_address=ip_address,
        user_agent=user_agent,
        recorded_by=recorded_by,
        deleted_templates=templates,
        deleted_photos=photos,
    )


@transaction.atomic
def consent_withdraw(*, trainee, ip_address=None, user_agent="", recorded_by=None) -> BiometricConsent:
    """Withdraw consent: templates and photos are deleted in the same transaction and the counts recorded."""
    trainee = _lock(trainee)
    templates, photos = biometric_data_delete(trainee, actor=recorded_by, reason=_("撤回人脸核验同意"))
    return _record(
        trainee,
        ConsentDecision.WITHDRAW,
        ip_address=ip_address,
        user_agent=user_agent,
        recorded_by=recorded_by,
        deleted_templates=templates,
        deleted_photos=photos,
    )
