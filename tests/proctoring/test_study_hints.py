"""Every "先完成…" hint links to the step it names, and a trainee who consented is never told to go offline
because they did not consent (issue 8)."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from proctoring.services.consent import consent_give
from tests.factories import EnterpriseFactory, TraineeFactory, staff_user
from tests.proctoring import study_support as support
from tests.training import builders
from training.roles import Role
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


def test_the_study_page_links_each_missing_step(client):
    proj = builders.project()
    lesson = support.lesson(proj)
    user = trainee_account_create(trainee=builders.enrol(proj).trainee, password=support.PASSWORD)
    client.force_login(user)
    page = client.get(reverse("proctoring:study", args=[lesson.pk])).content.decode()
    assert "先签署同意书" in page and f'id="study-next-step" href="{reverse("proctoring:consent")}"' in page
    consent_give(trainee=user.trainee)
    page = client.get(reverse("proctoring:study", args=[lesson.pk])).content.decode()
    assert "请先完成人脸采集" in page and f'id="study-next-step" href="{reverse("proctoring:enrol")}"' in page
    listing = client.get(reverse("proctoring:study-list")).content.decode()
    assert f'id="study-prerequisite" href="{reverse("proctoring:enrol")}"' in listing


def test_no_static_text_tells_a_consenting_trainee_to_go_offline_for_not_consenting():
    for path in [Path(settings.BASE_DIR) / "static/js/study.js", Path(settings.BASE_DIR) / "static/js/camera.js"]:
        assert "若不同意人脸核验" not in path.read_text()


def test_the_trainee_home_names_the_next_offline_session_and_the_exam_when_eligible(client):
    proj = builders.project()
    builders.plan(proj)
    oc = builders.offline_class(proj)
    today = datetime.date.today()
    builders.session(oc, day=today + datetime.timedelta(days=3))
    enrollment = builders.enrol(proj, oc)
    user = trainee_account_create(trainee=enrollment.trainee, password=support.PASSWORD)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert f"参加下一次线下课：{today + datetime.timedelta(days=3):%Y-%m-%d} 09:00" in home
    assert "可以参加结业考试" not in home


def test_a_large_enterprise_page_is_paged(client):
    enterprise = EnterpriseFactory()
    for _ in range(55):
        TraineeFactory(enterprise=enterprise)
    client.force_login(staff_user(Role.EM_OFFICER, region=enterprise.region.parent.parent or enterprise.region))
    page = client.get(reverse("enterprise-detail", args=[enterprise.pk]))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 50 and "第 1 / 2 页" in page.content.decode()
