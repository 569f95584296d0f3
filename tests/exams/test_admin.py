"""The exam's evidence in the admin: scoped, view only (no add, change or delete), and revoking a certificate is
an action that asks for the reason and calls the certificates service."""

import pytest
from django.test import Client
from django.utils import timezone

from exams.models import Certificate, SittingMode
from exams.services.attempts import attempt_start
from exams.services.certificates import certificate_issue
from tests.exams import support
from tests.factories import region_tree, staff_user
from training.roles import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued():
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    enrollment = course.enrol()
    attempt = attempt_start(enrollment=enrollment, sitting=sitting, face_passed=True)
    certificate = certificate_issue(enrollment=enrollment, score=90, on=timezone.localdate())
    return course, attempt, certificate


def test_evidence_is_view_only(issued):
    course, attempt, certificate = issued
    client = _client(staff_user(Role.HR_OFFICER, region=course.project.region))
    for model, pk in [
        ("attempt", attempt.pk),
        ("attemptevent", attempt.events.first().pk),
        ("certificate", certificate.pk),
    ]:
        assert client.get(f"/admin/exams/{model}/").status_code == 200
        page = client.get(f"/admin/exams/{model}/{pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(f"/admin/exams/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/exams/certificate/add/").status_code == 403
    assert client.post(f"/admin/exams/certificate/{certificate.pk}/change/", {"status": "revoked"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_out_of_scope_evidence_is_a_404(issued):
    course, attempt, certificate = issued
    other_city = region_tree(city=("370600", "烟台市"), county=("370602", "芝罘区"))[1]
    client = _client(staff_user(Role.HR_OFFICER, region=other_city))
    assert client.get(f"/admin/exams/certificate/{certificate.pk}/change/").status_code == 404
    assert client.get(f"/admin/exams/attempt/{attempt.pk}/change/").status_code == 404
    assert certificate.serial not in client.get("/admin/exams/certificate/").content.decode()


def _revoke(client, certificate, **extra):
    data = {"action": "revoke", "_selected_action": [str(certificate.pk)], "index": "0", **extra}
    return client.post("/admin/exams/certificate/", data, follow=True)


def test_revoke_action_asks_for_a_reason_and_calls_the_service(issued):
    course, attempt, certificate = issued
    client = _client(staff_user(Role.HR_OFFICER, region=course.project.region))
    step = _revoke(client, certificate).content.decode()
    assert "请填写撤销原因" in step
    empty = _revoke(client, certificate, apply="1", reason=" ")
    assert "撤销原因：必须填写" in " ".join(str(m) for m in empty.context["messages"])
    done = _revoke(client, certificate, apply="1", reason="举报核实系他人代考")
    assert "已撤销：1" in " ".join(str(m) for m in done.context["messages"])
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_reason) == ("revoked", "举报核实系他人代考")
    certificate.enrollment.refresh_from_db()
    assert certificate.enrollment.exam_passed_on is None


def test_revoke_needs_the_permission(issued):
    course, attempt, certificate = issued
    client = _client(staff_user(Role.AUDITOR, region=course.project.region))
    assert client.get("/admin/exams/certificate/").status_code == 200
    response = _revoke(client, certificate, apply="1", reason="无权")
    assert response.status_code == 200
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
