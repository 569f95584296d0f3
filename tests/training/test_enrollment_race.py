"""Enrolling past a class's cap is refused even when enrolments race (PostgreSQL, real concurrent transactions).

Each thread has its own database connection and transaction; a barrier releases them together. The service
locks the class row (select_for_update) before counting, so the count each one sees includes the others' commits.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.training import builders
from training.models import PersonnelClass
from training.services.enrollments import enrollment_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _race(project, oc, trainees):
    barrier = threading.Barrier(len(trainees))
    outcomes = []

    def enrol(trainee):
        try:
            barrier.wait(timeout=10)
            enrollment_create(project=project, trainee=trainee, offline_class=oc)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(t,)) for t in trainees]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_racing_enrolments_never_exceed_the_cap():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD, capacity=3)
    trainees = [builders.trainee(PersonnelClass.DEPUTY_HEAD) for _ in range(THREADS)]
    outcomes = _race(project, oc, trainees)
    assert outcomes.count("ok") == 3
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == THREADS - 3
    assert set(refusals) == {"班级人数超过上限：上限 3 人，已有 3 人，再加入 1 人将达 4 人"}
    assert oc.enrollments.count() == 3


def test_racing_for_the_41st_place_of_a_deputy_heads_class():
    project = builders.project()
    oc = builders.offline_class(project, PersonnelClass.DEPUTY_HEAD)
    for _ in range(39):
        builders.enrol(project, oc)
    outcomes = _race(project, oc, [builders.trainee(PersonnelClass.DEPUTY_HEAD) for _ in range(2)])
    assert sorted(outcomes) == ["ok", "班级人数超过上限：上限 40 人，已有 40 人，再加入 1 人将达 41 人"]
    assert oc.enrollments.count() == 40
