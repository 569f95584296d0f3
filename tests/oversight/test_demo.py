"""load_demo adds baselines, targets and follow-ups for the three focus regions; the dashboard shows them."""

import io

import pytest
from django.core.management import call_command

from oversight.models import Baseline, FollowUp, Target
from training.models import PersonnelClass, User

pytestmark = pytest.mark.django_db


def test_load_demo_adds_baselines_targets_and_follow_ups(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # twice: nothing changes
    codes = set(Baseline.objects.values_list("region__code", flat=True))
    assert {"370500", "370502", "320700", "640181"} <= codes
    assert Baseline.objects.count() == 3 * 8
    assert Target.objects.count() == 4 * 3 * 8
    final = Target.objects.filter(year=2024).select_related("baseline")
    assert all(t.people == t.baseline.people for t in final)
    city = Target.objects.get(
        baseline__region__code="370500", baseline__personnel_class=PersonnelClass.TEAM_LEADER, year=2022
    )
    counties = sum(
        Target.objects.filter(
            baseline__region__parent__code="370500", baseline__personnel_class=PersonnelClass.TEAM_LEADER, year=2022
        ).values_list("people", flat=True)
    )
    assert city.people >= counties
    assert FollowUp.objects.count() == 3
    client.force_login(User.objects.get(username="em_dongying"))
    html = client.get("/coverage/").content.decode()
    assert "东营区" in html and "?region=370502" in html
    follow_ups = client.get("/coverage/follow-ups/").content.decode()
    assert "2024-06-03" in follow_ups and "2024-06-17" in follow_ups


def test_trained_is_training_completion_rule_in_bulk():
    """The dashboard's "trained (complete)" is training's own completion rule, evaluated in bulk."""
    from oversight import selectors
    from training.models import Enrollment
    from training.selectors.completion import completed_enrollment_ids, enrollment_progress

    call_command("load_demo", stdout=io.StringIO())
    one_by_one = {e.pk for e in Enrollment.objects.all() if enrollment_progress(e).complete}
    assert one_by_one, "the demo has trainees who completed their hours"
    assert completed_enrollment_ids(Enrollment.objects.all()) == one_by_one
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("root-x", password="x")
    data = selectors.coverage(admin, region_code="370500")
    trainees = set(Enrollment.objects.filter(pk__in=one_by_one).values_list("trainee_id", flat=True))
    assert sum(c.trained for c in data.total.cells.values()) == len(trainees)
