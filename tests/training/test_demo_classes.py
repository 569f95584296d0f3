"""The demo step of issue 3: classes, plans and attendance of DEMO-DONGYING-2024, loaded twice."""

import pytest
from django.core.management import call_command

from training.models import ClassSession, CreditedHours, OfflineClass, PlanStatus, RuleSet, TrainingPlan
from training.selectors.completion import progress_for_enrollments

pytestmark = pytest.mark.django_db


def test_load_demo_twice_gives_the_classes_plans_and_some_complete_trainees():
    call_command("load_demo", verbosity=0)
    counts = (OfflineClass.objects.count(), ClassSession.objects.count(), CreditedHours.objects.count())
    call_command("load_demo", verbosity=0)
    assert (OfflineClass.objects.count(), ClassSession.objects.count(), CreditedHours.objects.count()) == counts
    assert RuleSet.objects.filter(region__isnull=True).exists()
    assert set(TrainingPlan.objects.values_list("status", flat=True)) == {PlanStatus.APPROVED}
    empty = OfflineClass.objects.filter(code__in=["DY-2024-1-01", "DY-2024-2-01", "DY-2024-3-01"])
    assert [(c.code, c.capacity, c.enrollments.count()) for c in empty] == [
        ("DY-2024-1-01", 40, 0),
        ("DY-2024-2-01", 80, 0),
        ("DY-2024-3-01", 80, 0),
    ]
    running = OfflineClass.objects.get(code="DY-2024-2-02")
    progress = progress_for_enrollments(running.enrollments.select_related("trainee", "project__region"))
    assert sum(p.complete for p in progress) == 6
    assert "线下学时 12/19.2" in [r for p in progress for r in p.reasons]
