"""More of issue 7, finding 14: class labels in every UI language, no-store on error reports, a
Content-Security-Policy on every page without inline scripts, unknown form actions, and sign-in throttling
per account and behind a load balancer."""

import io
import json
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import TraineeFactory, staff_user
from tests.training import builders
from tests.training.roster_support import World, csv_bytes
from tests.training.test_settings import _run
from training.models import Enrollment, PersonnelClass, PlanStatus, RosterImport, RosterImportStatus
from training.roles import Role
from training.rosters import columns as c
from training.services import people
from training.services.plans import plan_submit

pytestmark = pytest.mark.django_db


def _upload(client, world, rows, **headers):
    client.force_login(builders.provider_staff(world.project))
    file = io.BytesIO(csv_bytes(rows))
    file.name = "roster.csv"
    client.post(reverse("roster-list"), {"project": world.project.pk, "file": file}, **headers)
    return RosterImport.objects.latest("pk")


def test_roster_class_labels_are_read_the_same_in_english(client):
    world = World()
    rows = [world.row(**{c.PERSONNEL_CLASS: "专职安全管理人员"}), world.row(**{c.PERSONNEL_CLASS: "班组长"})]
    upload = _upload(client, world, rows, HTTP_ACCEPT_LANGUAGE="en")
    assert (upload.status, upload.invalid_rows, upload.preview["errors"]) == (RosterImportStatus.CHECKED, 0, [])
    client.post(reverse("roster-commit", args=[upload.pk]), HTTP_ACCEPT_LANGUAGE="en")
    classes = Enrollment.objects.filter(project=world.project).values_list("trainee__personnel_class", flat=True)
    assert sorted(classes) == [PersonnelClass.SAFETY_MANAGER, PersonnelClass.TEAM_LEADER]


def test_an_unknown_label_names_the_chinese_labels_in_any_language(client):
    world = World()
    upload = _upload(client, world, [world.row(**{c.PERSONNEL_CLASS: "车间主任"})], HTTP_ACCEPT_LANGUAGE="en")
    reason = upload.preview["errors"][0]["reason"]
    assert "车间主任" in reason and "安全生产分管负责人、专职安全管理人员、班组长" in reason


def test_error_report_is_never_cached(client):
    world = World()
    upload = _upload(client, world, [world.row(**{c.PHONE: "1"})])
    response = client.get(reverse("roster-report", args=[upload.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_pages_send_a_content_security_policy_and_have_no_inline_scripts(client):
    world = World()
    upload = _upload(client, world, [world.row(**{c.PHONE: "1"})])
    login = client.get(reverse("login"))
    policy = login["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "media-src 'self' blob: mediastream:" in policy and "object-src 'none'" in policy
    pages = [reverse("home"), reverse("roster-list"), reverse("roster-detail", args=[upload.pk])]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "Content-Security-Policy" in response, url
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url


def test_admin_pages_run_under_the_policy_too(client):
    client.force_login(staff_user(Role.ADMIN))
    for url in [
        "/admin/",
        "/admin/training/trainee/",
        "/admin/training/trainee/import/",
        "/admin/training/trainee/add/",
    ]:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "Content-Security-Policy" in response, url
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url


def test_an_unknown_plan_action_is_an_error_not_saved(client):
    project = builders.project()
    plan = plan_submit(
        plan=builders.plan(project, PersonnelClass.SAFETY_MANAGER, approved=False), by=builders.provider_staff(project)
    )
    client.force_login(staff_user(Role.HR_OFFICER, region=project.region))
    response = client.post(reverse("plan-action", args=[plan.pk, "approvee"]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["未知的操作“approvee”，未保存任何内容"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


PASSWORD = "Pass-word-2024"


@pytest.fixture
def account():
    trainee = TraineeFactory(id_number="11010519491231002X")
    return people.trainee_account_create(trainee=trainee, password=PASSWORD)


def _sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_distributed_attack_on_one_account_locks_it(client, account, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, account.username, "wrong", REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = _sign_in(client, account.username, PASSWORD, REMOTE_ADDR="198.51.100.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_client_address_comes_from_the_trusted_proxy_header(client, account, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 0  # one load balancer, which sets X-Forwarded-For to the client
    _sign_in(client, account.username, "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_without_proxy_settings_a_forged_header_is_ignored(client, account):
    _sign_in(client, account.username, "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]


def test_proxy_settings_come_from_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AXES_IPWARE_PROXY_COUNT, list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), "
        "s.AXES_LOCKOUT_PARAMETERS]))"
    )
    result = _run(
        ["-c", code],
        DEBUG="1",
        AXES_IPWARE_PROXY_COUNT="1",
        AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR",
    )
    assert result.returncode == 0, result.stderr
    count, order, lockout = json.loads(result.stdout.strip().splitlines()[-1])
    assert (count, order) == (1, ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"])
    assert lockout == ["username", ["ip_address", "user_agent"]]
