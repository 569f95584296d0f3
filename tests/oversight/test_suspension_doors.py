"""HR warns, suspends or removes a provider (oversight.services.credit.provider_sanction, through training's
provider_set_status). A suspended or removed provider submits no roster, forms no class and claims nothing: each
door is refused with a clear message and nothing is written; a warning stops nothing; a removal is published."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from funding.models import BatchEvent, Claim, ClaimBatch
from funding.services.claims import batch_submit
from oversight.models import ProviderSanction
from oversight.services.credit import provider_sanction
from tests.factories import staff_user
from tests.funding.support import Fund
from tests.training import builders
from tests.training.roster_support import World, csv_bytes
from training.models import Enrollment, OfflineClass, ProviderStatus, Trainee
from training.roles import Role
from training.rosters.reading import read_roster
from training.rosters.service import RosterRefusedError, roster_import
from training.rules import provider_may_work
from training.services.classes import offline_class_create
from training.services.enrollments import enrollment_create

pytestmark = pytest.mark.django_db

SUSPENDED = "培训机构“{name}”状态为“暂停”（抽查发现代签到，暂停整改），不能{action}"


def _suspend(project, action="suspend", reason="抽查发现代签到，暂停整改"):
    hr = staff_user(Role.HR_OFFICER, region=project.region)
    provider_sanction(provider=project.provider, action=action, reason=reason, user=hr)
    project.provider.refresh_from_db()
    return hr


def test_the_rule():
    assert provider_may_work(ProviderStatus.ACTIVE)
    assert not provider_may_work(ProviderStatus.SUSPENDED) and not provider_may_work(ProviderStatus.REMOVED)


def test_suspended_provider_cannot_submit_a_roster_by_service_or_command(tmp_path):
    world = World()
    _suspend(world.project)
    rows = [world.row(), world.row()]
    trainees = Trainee.objects.count()
    with pytest.raises(RosterRefusedError) as exc:
        roster_import(project=world.project, frame=read_roster(csv_bytes(rows)))
    assert str(exc.value) == SUSPENDED.format(name=world.project.provider.name, action="提交花名册")
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError) as cmd:
        call_command("import_roster", str(path), "--project", world.project.code, stdout=io.StringIO())
    assert "不能提交花名册" in str(cmd.value) and cmd.value.returncode == 2
    assert Trainee.objects.count() == trainees and not Enrollment.objects.filter(project=world.project).exists()
    # one person added by hand (admin, import-export) goes through enrollment_create: refused the same way
    with pytest.raises(ValidationError) as one:
        enrollment_create(project=world.project, trainee=builders.trainee())
    assert "不能提交花名册" in one.value.messages[0]
    assert not Enrollment.objects.filter(project=world.project).exists()


def test_suspended_provider_cannot_form_a_class_by_service_or_page(client):
    project = builders.project()
    _suspend(project)
    with pytest.raises(ValidationError) as exc:
        offline_class_create(project=project, personnel_class=2, code="SUS-1")
    assert exc.value.messages == [SUSPENDED.format(name=project.provider.name, action="开设班级")]
    staff = builders.provider_staff(project)
    client.force_login(staff)
    page = client.post(f"/projects/{project.pk}/classes/new/", {"personnel_class": 2, "code": "SUS-2"}, follow=True)
    assert "不能开设班级" in page.content.decode()
    assert not OfflineClass.objects.filter(project=project).exists()


def test_removed_provider_cannot_claim_and_nothing_is_written(client):
    fund = Fund()
    enrollment = fund.enrol()
    _suspend(fund.project, action="remove", reason="考核把关不严，予以退出")
    with pytest.raises(ValidationError) as exc:
        batch_submit(terms=fund.terms, enrollment_ids=[enrollment.pk], by=fund.staff)
    name = fund.project.provider.name
    assert exc.value.messages == [f"培训机构“{name}”状态为“已退出”（考核把关不严，予以退出），不能申领工伤预防费"]
    assert not ClaimBatch.objects.exists() and not Claim.objects.exists() and not BatchEvent.objects.exists()
    public = client.get("/public/removed-providers/").content.decode()
    assert name in public and "考核把关不严，予以退出" in public


def test_a_warning_is_a_record_only_and_reinstatement_lets_the_provider_work_again():
    project = builders.project()
    _suspend(project, action="warn", reason="回访发现一名学员未本人学习，予以警告")
    assert project.provider.status == ProviderStatus.ACTIVE
    assert offline_class_create(project=project, personnel_class=2, code="WARN-1")
    _suspend(project)
    _suspend(project, action="reinstate", reason="整改到位")
    assert project.provider.status == ProviderStatus.ACTIVE
    assert offline_class_create(project=project, personnel_class=2, code="WARN-2")
    assert list(ProviderSanction.objects.order_by("pk").values_list("action", flat=True)) == [
        "warn",
        "suspend",
        "reinstate",
    ]


def test_suspending_twice_or_without_a_reason_is_refused():
    project = builders.project()
    _suspend(project)
    hr = staff_user(Role.HR_OFFICER, region=project.region)
    with pytest.raises(ValidationError, match="已是“暂停”状态"):
        provider_sanction(provider=project.provider, action="suspend", reason="再次暂停", user=hr)
    with pytest.raises(ValidationError, match="请填写处理原因"):
        provider_sanction(provider=project.provider, action="remove", reason="  ", user=hr)
    assert ProviderSanction.objects.count() == 1
