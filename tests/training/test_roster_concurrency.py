"""A roster import and a single enrolment racing for the last places of a class (PostgreSQL, real transactions).

The import locks the classes named in the file (select_for_update) before it counts their places, as
enrollment_create does: whoever comes second waits, then sees the first one's enrolments and is refused.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.training import builders
from tests.training.roster_support import LABEL, World, csv_bytes
from training.models import PersonnelClass
from training.rosters import columns as c
from training.rosters.reading import read_roster
from training.rosters.service import roster_import
from training.services.enrollments import enrollment_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_enrolment_waits_for_the_import_and_cannot_overfill_the_class():
    world = World()
    offline_class = builders.offline_class(world.project, PersonnelClass.TEAM_LEADER, code="RACE-1", capacity=3)
    builders.enrol(world.project, offline_class)  # 1 of 3 taken
    latecomer = builders.trainee(PersonnelClass.TEAM_LEADER)
    label = LABEL[PersonnelClass.TEAM_LEADER]
    frame = read_roster(
        csv_bytes(
            [world.row(**{c.PERSONNEL_CLASS: label, c.OFFLINE_CLASS: "RACE-1"})] * 1
            + [world.row(**{c.PERSONNEL_CLASS: label, c.OFFLINE_CLASS: "RACE-1"})]
        )
    )
    written, release = threading.Event(), threading.Event()
    outcome = {}

    def hold(done, total):  # called inside the import's transaction, after its rows are written
        written.set()
        release.wait(10)

    def importer():
        try:
            outcome["import"] = roster_import(project=world.project, frame=frame, progress=hold)
        finally:
            connection.close()

    def single():
        try:
            enrollment_create(project=world.project, trainee=latecomer, offline_class=offline_class)
            outcome["single"] = "enrolled"
        except ValidationError as e:
            outcome["single"] = e.messages[0]
        finally:
            connection.close()

    first = threading.Thread(target=importer)
    first.start()
    assert written.wait(10)
    second = threading.Thread(target=single)
    second.start()
    second.join(1.0)
    assert second.is_alive(), "the enrolment must wait for the import's lock on the class"
    release.set()
    first.join(10)
    second.join(10)
    assert outcome["import"].enrolled == 2
    assert outcome["single"] == "班级人数超过上限：上限 3 人，已有 3 人，再加入 1 人将达 4 人"
    assert offline_class.enrollments.count() == 3
