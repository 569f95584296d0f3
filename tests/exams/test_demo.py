"""The exam's demo data: a sitting of DEMO-DONGYING-2024 open now in both modes, at least 8 trainees complete,
eligible and not yet sat, a few passed with certificates; a second run changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from exams.demo import demo_certificate_serial
from exams.models import Certificate, Question, Sitting
from exams.selectors import roster_eligibility
from training.models import TrainingProject

pytestmark = pytest.mark.django_db


def test_demo_has_open_sittings_waiting_candidates_and_certificates(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open(tmp_path / "out.txt", "w"))
    project = TrainingProject.objects.get(code="DEMO-DONGYING-2024")
    now = timezone.now()
    modes = set(
        Sitting.objects.filter(project=project, opens_at__lte=now, closes_at__gt=now).values_list("mode", flat=True)
    )
    assert modes == {"online", "site"}
    waiting = [e for e in roster_eligibility(project) if e.eligible and not e.attempts_used]
    assert len(waiting) >= 8
    assert Certificate.objects.filter(project=project, status="valid").count() >= 3
    assert Question.objects.count() >= 150
    serial = demo_certificate_serial()
    counts = (Question.objects.count(), Certificate.objects.count(), Sitting.objects.count())
    call_command("load_demo", stdout=open(tmp_path / "out2.txt", "w"))
    assert (Question.objects.count(), Certificate.objects.count(), Sitting.objects.count()) == counts
    assert demo_certificate_serial() == serial
