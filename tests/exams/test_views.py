"""The exam over HTTP: answers saved per POST, refusals, the result page, the certificate PDF and public page,
the question import page, pass rates with xlsx."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from exams.models import Answer, Attempt
from exams.services.papers import shown_answer
from tests.exams import support
from tests.exams.test_imports import BAD
from tests.factories import staff_user
from training.roles import Role
from training.services.people import trainee_account_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    cache.clear()
    # The test's data is in its open transaction: saves stay on the request's thread (daphne tests use the pool).
    settings.EXAM_SAVES_IN_THREAD_POOL = False


@pytest.fixture
def candidate():
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project)
    enrollment = course.enrol()
    support.site_ready(sitting=sitting, enrollment=enrollment)
    client = Client()
    client.force_login(trainee_account_create(trainee=enrollment.trainee, password="x-Pass-2024"))
    return course, sitting, enrollment, client


def _start(client, sitting):
    response = client.post(f"/exams/sittings/{sitting.pk}/start/")
    assert response.status_code == 200, response.content.decode()
    attempt = Attempt.objects.get(pk=response.json()["attempt"])
    page = client.get(f"/exams/attempts/{attempt.pk}/")
    assert page.status_code == 200
    attempt.refresh_from_db()
    return attempt


def test_answers_are_saved_per_post_and_a_reload_resumes(candidate):
    course, sitting, enrollment, client = candidate
    attempt = _start(client, sitting)
    items = list(attempt.items.select_related("version")[:3])
    for item in items:
        r = client.post(
            f"/exams/attempts/{attempt.pk}/answer/",
            {"item": item.pk, "value": shown_answer(item), "tab": attempt.tab_token},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["ok"]
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").json()
    assert state["answers"] == {str(i.pk): shown_answer(i) for i in items}
    assert 7190 <= state["remaining"] <= 7200
    page = client.get(f"/exams/attempts/{attempt.pk}/")  # a reload takes over with a new token
    assert f'"{items[0].pk}": "{shown_answer(items[0])}"' in page.content.decode()
    r = client.post(
        f"/exams/attempts/{attempt.pk}/answer/",
        {"item": items[0].pk, "value": "", "tab": attempt.tab_token},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"] == "考试已在另一个页面或设备上打开，本页面已停止作答"
    assert Answer.objects.get(attempt=attempt, item=items[0]).value == shown_answer(items[0])


def test_exam_page_shows_every_drawn_question_with_its_options_in_the_shown_order_escaped():
    course = support.Course()
    support.bank(single=0)
    for _ in range(12):
        support.question("single", options=["<b>甲</b>", "乙 & 丙", "丁", "戊"])
    support.blueprint(course.project)
    sitting = support.sitting(course.project)
    enrollment = course.enrol()
    support.site_ready(sitting=sitting, enrollment=enrollment)
    client = Client()
    client.force_login(trainee_account_create(trainee=enrollment.trainee, password="x-Pass-2024"))
    response = client.post(f"/exams/sittings/{sitting.pk}/start/")
    attempt = Attempt.objects.get(pk=response.json()["attempt"])
    page = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert "<b>甲</b>" not in page and "&lt;b&gt;甲&lt;/b&gt;" in page and "乙 &amp; 丙" in page
    items = list(attempt.items.select_related("version").order_by("position"))
    assert page.count('class="card question"') == len(items) == 35
    for item in items:
        v = item.version
        assert f'data-item="{item.pk}" data-kind="{v.kind}"' in page
        if v.kind == "judge":
            assert f'<input type="radio" name="q{item.pk}" value="T"> 对' in page
            continue
        kind = "checkbox" if v.kind == "multiple" else "radio"
        shown = [
            f'<input type="{kind}" name="q{item.pk}" value="{letter}"> {letter}. '
            f"{escape(v.options['ABCDEF'.index(original)])}</label>"
            for letter, original in zip("ABCDEF", item.option_order, strict=False)
        ]
        positions = [page.index(x) for x in shown]
        assert positions == sorted(positions)  # A, B, C, D in the order the candidate sees them


def test_submit_shows_score_breakdown_and_certificate_with_public_page(candidate):
    course, sitting, enrollment, client = candidate
    attempt = _start(client, sitting)
    for item in attempt.items.select_related("version"):
        client.post(
            f"/exams/attempts/{attempt.pk}/answer/",
            {"item": item.pk, "value": shown_answer(item), "tab": attempt.tab_token},
            content_type="application/json",
        )
    r = client.post(
        f"/exams/attempts/{attempt.pk}/submit/", {"tab": attempt.tab_token}, content_type="application/json"
    )
    assert r.status_code == 200
    page = client.get(r.json()["url"]).content.decode()
    assert "<strong>100</strong> / 100" in page and "法律法规" in page and "考试场次结束后可查看试卷和正确答案" in page
    serial = enrollment.certificate.serial
    pdf = client.get(f"/exams/certificates/{serial}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    public = Client().get(f"/public/certificates/{serial}/").content.decode()
    name = enrollment.trainee.name
    assert name not in public and (name[0] + "*" * (len(name) - 2) + name[-1]) in public
    assert enrollment.trainee.id_number not in public and enrollment.trainee.phone not in public
    assert enrollment.trainee.enterprise.name not in public
    assert "有效" in public and "山东省东营市" in public


def test_unknown_serial_is_a_bare_404_and_lookups_are_throttled(settings):
    settings.EXAM_CERTIFICATE_RATE = "5/m"
    client = Client()
    responses = [
        client.get(f"/public/certificates/GS20240101ZZZZZZZZ{i}/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        for i in range(7)
    ]
    assert [r.status_code for r in responses] == [404] * 5 + [429] * 2
    assert responses[0].content == b"not found"


def test_revoked_certificate_shows_the_reason(candidate):
    from django.utils import timezone

    from exams.services.certificates import certificate_issue, certificate_revoke

    course, sitting, enrollment, client = candidate
    cert = certificate_issue(enrollment=enrollment, score=90, on=timezone.localdate())
    certificate_revoke(certificate=cert, reason="经审核确认代考")
    page = Client().get(f"/public/certificates/{cert.serial}/").content.decode()
    assert "已撤销：经审核确认代考" in page
    enrollment.refresh_from_db()
    assert enrollment.exam_passed_on is None


def test_question_import_page_gives_the_command_line_errors_and_imports_after_preview():
    from exams.models import Question
    from tests.factories import ProviderFactory

    staff = staff_user(Role.PROVIDER_STAFF, provider=ProviderFactory())
    client = Client()
    client.force_login(staff)
    assert client.get("/exams/questions/template.csv").content.decode("utf-8-sig").startswith("题型,题干,选项A")
    with BAD.open("rb") as handle:
        page = client.post("/exams/questions/import/", {"file": handle}).content.decode()
    assert "row 4: 答案: 单选题只能有一个答案（现为“AB”）" in page and "确认导入" not in page
    good = "题型,题干,选项A,选项B,答案,知识点,难度,适用人员类别\n单选,新题,甲,乙,A,法律法规,易,全部\n"
    f = io.BytesIO(good.encode())
    f.name = "q.csv"
    page = client.post("/exams/questions/import/", {"file": f}).content.decode()
    assert "确认导入" in page and Question.objects.count() == 0
    client.post("/exams/questions/import/", {"confirm": "1"})
    assert Question.objects.get().provider == staff.provider


def test_pass_rates_in_scope_with_xlsx(candidate):
    course, sitting, enrollment, client = candidate
    attempt = _start(client, sitting)
    client.post(f"/exams/attempts/{attempt.pk}/submit/", {"tab": attempt.tab_token}, content_type="application/json")
    em = staff_user(Role.EM_OFFICER, region=course.project.region)
    other = staff_user(Role.EM_OFFICER, region=support_other_region())
    c = Client()
    c.force_login(em)
    assert "0.0" in c.get("/exams/results/?by=provider").content.decode()
    book = load_workbook(io.BytesIO(c.get("/exams/results/?format=xlsx").content))
    assert book["人员类别"]["A2"].value == "专职安全管理人员" and book["人员类别"]["B2"].value == 1
    c.force_login(other)
    assert "暂无考试记录" in c.get("/exams/results/").content.decode()


def support_other_region():
    from tests.factories import region_tree

    return region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))[1]
