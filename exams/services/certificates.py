"""Certificates: issued on a pass (online or imported), verified publicly by serial, revoked (never deleted)
when the study or exam behind them is confirmed as proxy. The PDF (WeasyPrint, fonts-noto-cjk; QR by segno)
is rendered on first download, not inside the submission, so a thousand submissions at one deadline stay fast."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from exams.models import AttemptStatus, Certificate, CertificateStatus
from exams.rules import mask_name
from exams.selectors import exam_rules_in_force
from training.models import Enrollment
from training.services.enrollments import enrollment_mark_passed, enrollment_unmark_passed

SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O/1/I: read aloud and typed from paper


def new_serial(on: datetime.date) -> str:
    """GS + date + 10 random characters: about 50 bits, so serials cannot be guessed one after another."""
    return f"GS{on:%Y%m%d}" + "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(10))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def certificate_issue(
    *, enrollment: Enrollment, score: int, on: datetime.date, attempt=None, external_result=None
) -> Certificate:
    """A pass: the enrolment is marked passed (training's service) and a certificate issued, valid for the years
    of the exam rules in force."""
    enrollment = Enrollment.objects.select_related("trainee", "project__region").get(pk=enrollment.pk)
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None and existing.status == CertificateStatus.VALID:
        return existing
    if existing is not None:
        raise ValidationError("该学员的证书已被撤销，不能再次发证")
    enrollment_mark_passed(enrollment=enrollment, passed_on=on, score=score)
    years = exam_rules_in_force(enrollment.project.region, on).certificate_valid_years
    certificate = Certificate(
        serial=new_serial(on),
        enrollment=enrollment,
        trainee=enrollment.trainee,
        personnel_class=enrollment.trainee.personnel_class,
        project=enrollment.project,
        issued_on=on,
        valid_until=_add_years(on, years),
        score=score,
        attempt=attempt,
        external_result=external_result,
    )
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (never delete) when the study or exam behind it is confirmed as proxy; the pass no longer counts."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not reason.strip():
        raise ValidationError("撤销原因：必须填写")
    if certificate.status == CertificateStatus.REVOKED:
        return certificate
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save()
    enrollment_unmark_passed(enrollment=certificate.enrollment)
    return certificate


def revoke_for_confirmed_proxy(*, enrollment_id: int, reason: str) -> Certificate | None:
    certificate = Certificate.objects.filter(enrollment_id=enrollment_id, status=CertificateStatus.VALID).first()
    if certificate is None:
        return None
    return certificate_revoke(certificate=certificate, reason=reason)


def revoke_on_confirmed_flag(flag) -> Certificate | None:
    """proctoring's reviewer confirmed proxy study or an exam incident: the certificate behind it is revoked."""
    return revoke_for_confirmed_proxy(
        enrollment_id=flag.enrollment_id, reason=f"经审核确认{flag.get_kind_display()}（异常记录 #{flag.pk}）"
    )


EXAM_REF_PREFIX = "exam-attempt:"


def attempt_of_flag(flag):
    """The attempt an exam flag was raised for (proctoring keeps it as exam_ref "exam-attempt:<pk>")."""
    from exams.models import Attempt

    if flag.kind != "exam" or not (flag.exam_ref or "").startswith(EXAM_REF_PREFIX):
        return None
    pk = flag.exam_ref.removeprefix(EXAM_REF_PREFIX)
    return Attempt.objects.filter(pk=int(pk), enrollment_id=flag.enrollment_id).first() if pk.isdigit() else None


def release_on_dismissed_flag(flag) -> Certificate | None:
    """The reviewer dismissed an exam flag: a pass the flag held back takes effect exactly as an unflagged pass
    (training's enrollment_mark_passed through certificate_issue). A fail stays a fail."""
    attempt = attempt_of_flag(flag)
    if attempt is None or attempt.status != AttemptStatus.SUBMITTED or not attempt.passed:
        return None
    if Certificate.objects.filter(enrollment_id=attempt.enrollment_id, status=CertificateStatus.REVOKED).exists():
        return None  # a revoked certificate is never issued again (certificate_issue refuses it)
    return certificate_issue(
        enrollment=attempt.enrollment,
        score=attempt.score,
        on=timezone.localdate(attempt.submitted_at),
        attempt=attempt,
    )


def public_status(certificate: Certificate, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if certificate.status == CertificateStatus.REVOKED:
        return "revoked"
    return "expired" if certificate.valid_until < today else "valid"


def public_view(certificate: Certificate) -> dict:
    """Only what the public page may show: no ID number, no phone, no enterprise."""
    return {
        "name": mask_name(certificate.trainee.name),
        "personnel_class": certificate.get_personnel_class_display(),
        "region": certificate.project.region.full_name,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "status": public_status(certificate),
        "revoked_reason": certificate.revoked_reason if certificate.status == CertificateStatus.REVOKED else "",
        "serial": certificate.serial,
    }


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The PDF (rendered once, then stored)."""
    if certificate.pdf:
        with certificate.pdf.open("rb") as handle:
            return handle.read()
    import segno
    from weasyprint import HTML

    qr = segno.make(verify_url, error="m").svg_data_uri(scale=4)
    html = render_to_string("exams/certificate_pdf.html", {"c": certificate, "qr": qr, "verify_url": verify_url})
    data = HTML(string=html).write_pdf()
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return data
