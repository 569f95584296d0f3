"""Separate consent to face processing; the other way (offline, in person) for those who decline; withdrawal."""

import pytest
from django.core.exceptions import ValidationError

from proctoring.models import BiometricConsent, ConsentDecision, EnrolmentPhoto, FaceTemplate
from proctoring.services import consent as consent_services
from proctoring.services.enrolment import face_enrol, template_for
from tests.factories import TraineeFactory

pytestmark = pytest.mark.django_db


def test_not_asked_yet_means_no_consent():
    trainee = TraineeFactory()
    assert consent_services.current_consent(trainee) is None
    assert not consent_services.has_biometric_consent(trainee)
    assert not consent_services.on_alternative_path(trainee)


def test_consent_is_recorded_with_version_time_and_ip():
    trainee = TraineeFactory()
    row = consent_services.consent_give(trainee=trainee, ip_address="10.1.2.3", user_agent="Chromium")
    assert row.decision == ConsentDecision.CONSENT
    assert row.text_version == "2026-1"
    assert row.ip_address == "10.1.2.3"
    assert row.created_at is not None
    assert consent_services.has_biometric_consent(trainee)


def test_enrolment_refused_without_consent(faces_dir):
    trainee = TraineeFactory()
    with pytest.raises(ValidationError, match="未同意人脸核验") as info:
        face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    assert info.value.code == "no_consent"
    assert not FaceTemplate.objects.exists()
    assert not EnrolmentPhoto.objects.exists()


def test_declining_routes_to_the_alternative_and_stores_nothing(faces_dir):
    trainee = TraineeFactory()
    row = consent_services.consent_choose_alternative(trainee=trainee, ip_address="10.0.0.9")
    assert row.decision == "alternative_path"
    assert consent_services.on_alternative_path(trainee)
    with pytest.raises(ValidationError, match="未同意人脸核验"):
        face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    assert not FaceTemplate.objects.filter(trainee=trainee).exists()
    assert not EnrolmentPhoto.objects.filter(trainee=trainee).exists()


def test_withdrawal_deletes_template_and_photos_at_once_and_is_recorded(faces_dir):
    trainee = TraineeFactory()
    other = TraineeFactory()
    for person in (trainee, other):
        consent_services.consent_give(trainee=person)
        face_enrol(trainee=person, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    assert template_for(trainee) is not None

    row = consent_services.consent_withdraw(trainee=trainee, ip_address="10.0.0.1")

    assert row.decision == ConsentDecision.WITHDRAW
    assert (row.deleted_templates, row.deleted_photos) == (1, 1)
    assert template_for(trainee) is None
    assert not EnrolmentPhoto.objects.filter(trainee=trainee).exists()
    assert not consent_services.has_biometric_consent(trainee)
    assert consent_services.on_alternative_path(trainee)
    assert template_for(other) is not None  # only the trainee's own data
    assert list(BiometricConsent.objects.filter(trainee=trainee).values_list("decision", flat=True)) == [
        "withdraw",
        "consent",
    ]


def test_consent_given_again_after_withdrawal_allows_enrolment(faces_dir):
    trainee = TraineeFactory()
    consent_services.consent_give(trainee=trainee)
    consent_services.consent_withdraw(trainee=trainee)
    consent_services.consent_give(trainee=trainee)
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama2.jpg").read_bytes())
    assert template_for(trainee).shape == (128,)


def test_withdrawal_during_analysis_wins(faces_dir):
    """The photo is analysed outside the transaction; the store step re-checks consent under the trainee's row
    lock, so a withdrawal that landed meanwhile stores nothing."""
    from proctoring import faces
    from proctoring.services import enrolment

    trainee = TraineeFactory()
    consent_services.consent_give(trainee=trainee)
    photo = (faces_dir / "obama.jpg").read_bytes()
    encoding = faces.reference_encoding(photo)  # analysis done while consent was in force
    consent_services.consent_withdraw(trainee=trainee)
    with pytest.raises(ValidationError, match="未同意人脸核验"):
        enrolment._store(trainee, encoding, photo, source="camera", actor=None, reason="")
    assert not FaceTemplate.objects.filter(trainee=trainee).exists()
