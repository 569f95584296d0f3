"""A project enrols at most its service contract's scale per personnel class (issue 7, finding 14): the rule
training.rules.contract_scale_error, called by enrollment_create (under a lock on the contract) and by the roster
batch check, so the web upload refuses a roster that would overfill it, with the figures."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import staff_user
from tests.training import builders
from tests.training.roster_support import World, csv_bytes
from training.models import Enrollment, PersonnelClass, RosterImport, RosterImportStatus, ServiceContract
from training.roles import Role
from training.rosters import columns as c
from training.rules import contract_scale_error
from training.services.enrollments import enrollment_create
from training.services.projects import contract_save

pytestmark = pytest.mark.django_db

SM = PersonnelClass.SAFETY_MANAGER


def _contract(project, *, class2: int):
    hr = staff_user(Role.HR_OFFICER, region=project.region)
    return contract_save(
        project=project,
        by=hr,
        trainees_class1=0,
        trainees_class2=class2,
        trainees_class3=0,
        method="线上线下结合",
        content="三类人员培训",
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2024, 12, 31),
        performance_targets="合格率90%",
        fee_class1=Decimal("1200"),
        fee_class2=Decimal("1000"),
        fee_class3=Decimal("900"),
        responsibilities="略",
    )


def test_the_rule_gives_the_figures():
    assert contract_scale_error(class_label="专职安全管理人员", planned=100, enrolled=99, adding=1) is None
    assert contract_scale_error(class_label="专职安全管理人员", planned=100, enrolled=100, adding=3900) == (
        "超出服务合同规模：专职安全管理人员计划培训 100 人，已报名 100 人，再报名 3900 人将达 4000 人"
    )


def test_enrollment_create_refuses_past_the_scale():
    project = builders.project()
    _contract(project, class2=2)
    for _ in range(2):
        enrollment_create(project=project, trainee=builders.trainee(SM))
    with pytest.raises(ValidationError) as error:
        enrollment_create(project=project, trainee=builders.trainee(SM))
    assert error.value.messages == [
        "超出服务合同规模：专职安全管理人员计划培训 2 人，已报名 2 人，再报名 1 人将达 3 人"
    ]
    with pytest.raises(ValidationError, match="安全生产分管负责人计划培训 0 人"):
        enrollment_create(project=project, trainee=builders.trainee(PersonnelClass.DEPUTY_HEAD))
    assert Enrollment.objects.filter(project=project).count() == 2


def test_web_upload_refuses_a_roster_larger_than_the_contract(client):
    world = World()
    _contract(world.project, class2=3)
    enrollment_create(project=world.project, trainee=builders.trainee(SM))
    client.force_login(builders.provider_staff(world.project))
    file = io.BytesIO(csv_bytes([world.row() for _ in range(5)]))
    file.name = "roster.csv"
    client.post(reverse("roster-list"), {"project": world.project.pk, "file": file})
    upload = RosterImport.objects.get()
    assert upload.invalid_rows == 3
    reason = "人员类别: 超出服务合同规模：专职安全管理人员计划培训 3 人，已报名 3 人，再报名 1 人将达 4 人"
    assert [e["reason"] for e in upload.preview["errors"]] == [reason] * 3
    assert [e["row"] for e in upload.preview["errors"]] == [4, 5, 6]  # the first two rows fit
    client.post(reverse("roster-commit", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == RosterImportStatus.REJECTED
    assert Enrollment.objects.filter(project=world.project).count() == 1


def test_skip_invalid_fills_the_contract_and_no_more(client):
    world = World()
    _contract(world.project, class2=2)
    client.force_login(builders.provider_staff(world.project))
    file = io.BytesIO(csv_bytes([world.row(**{c.OFFLINE_CLASS: world.classes[SM].code}) for _ in range(4)]))
    file.name = "roster.csv"
    client.post(reverse("roster-list"), {"project": world.project.pk, "file": file, "skip_invalid": "on"})
    upload = RosterImport.objects.get()
    client.post(reverse("roster-commit", args=[upload.pk]))
    upload.refresh_from_db()
    assert (upload.status, upload.enrolled, upload.invalid_rows) == (RosterImportStatus.DONE, 2, 2)
    assert world.classes[SM].enrollments.count() == 2  # refused rows took no place in the class either


def test_demo_contract_keeps_room_for_an_upload():
    call_command("load_demo", stdout=io.StringIO())
    contract = ServiceContract.objects.get(project__code="DEMO-DONGYING-2024")
    assert contract.planned_total == 300
    assert contract.project.enrollments.count() == 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_enrolments_never_exceed_the_contract():
    """Real concurrent transactions: the contract row is locked before counting, so 8 racers get 3 places."""
    import threading

    from django.db import connection

    project = builders.project()
    _contract(project, class2=3)
    trainees = [builders.trainee(SM) for _ in range(8)]
    barrier, outcomes = threading.Barrier(len(trainees)), []

    def enrol(trainee):
        try:
            barrier.wait(timeout=10)
            enrollment_create(project=project, trainee=trainee)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(t,)) for t in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 3
    assert set(outcomes) - {"ok"} == {
        "超出服务合同规模：专职安全管理人员计划培训 3 人，已报名 3 人，再报名 1 人将达 4 人"
    }
    assert Enrollment.objects.filter(project=project).count() == 3
