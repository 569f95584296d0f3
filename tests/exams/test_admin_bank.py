"""The question bank, blueprints and sittings in the admin, through its real pages as role users: every write is
a service call (question_create / question_edit / question_retire, blueprint_save, sitting_create /
sitting_update), refusals show with the service's figures, pickers are scoped and statuses read-only."""

import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from import_export.formats.base_formats import CSV

from exams.models import Blueprint, Question, QuestionVersion, Sitting, SittingMode
from exams.services.attempts import attempt_start
from exams.services.papers import paper_reproduce, paper_stored, paper_view
from tests.exams import support
from tests.exams.test_imports import _run
from tests.factories import ProviderFactory, region_tree, staff_user
from tests.training import builders
from training.roles import Role

pytestmark = pytest.mark.django_db
BAD = Path(__file__).resolve().parents[2] / "fixtures" / "exams" / "questions-bad.csv"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(page) -> dict:
    """What the browser would post back from an admin change page, unchanged (main form and inlines)."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): management[name].value() for name in management.fields}
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def _question_post(**changes) -> dict:
    data = {
        "kind": "single",
        "stem": "危险化学品单位应当为从业人员配备什么？",
        "option_a": "装饰用品",
        "option_b": "符合国家标准的劳动防护用品",
        "option_c": "娱乐设施",
        "answer": "B",
        "topic": "职业健康",
        "difficulty": "easy",
        "classes": ["2", "3"],
        "explanation": "用人单位应当提供符合国家标准或者行业标准的劳动防护用品。",
    }
    return {**data, **changes}


@pytest.fixture
def course():
    return support.Course()


def test_provider_staff_adds_a_question_to_their_bank(course):
    client = _client(course.staff)
    assert client.get("/admin/exams/question/add/").status_code == 200
    response = client.post("/admin/exams/question/add/", _question_post())
    assert response.status_code == 302, response.context["adminform"].form.errors
    question = Question.objects.get()
    assert (question.provider, question.region, question.active) == (course.project.provider, None, True)
    version = question.current
    assert (version.number, version.kind, version.answer, version.classes) == (1, "single", "B", "23")
    assert version.options == ["装饰用品", "符合国家标准的劳动防护用品", "娱乐设施"]


def test_a_question_breaking_the_import_rules_is_refused_with_the_reason(course):
    client = _client(course.staff)
    response = client.post("/admin/exams/question/add/", _question_post(answer="AB"))
    assert response.status_code == 200
    assert "答案: 单选题只能有一个答案（现为“AB”）" in response.content.decode()
    judge = client.post("/admin/exams/question/add/", _question_post(kind="judge", answer="对"))
    assert "选项A: 判断题不能有选项" in judge.content.decode()
    client.post("/admin/exams/question/add/", _question_post())
    again = client.post("/admin/exams/question/add/", _question_post(classes=["3"]))
    assert "题干: 与题库中已有试题重复（同一人员类别：班组长）" in again.content.decode()
    assert Question.objects.count() == 1


def test_editing_adds_a_version_and_a_drawn_paper_keeps_the_old_one(course):
    support.bank(provider=course.project.provider)
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    attempt = attempt_start(enrollment=course.enrol(), sitting=sitting, face_passed=True)
    stored = paper_stored(attempt)
    item = attempt.items.select_related("version__question").order_by("position").first()
    drawn, question = item.version, item.version.question
    client = _client(course.staff)
    url = f"/admin/exams/question/{question.pk}/change/"

    page = client.get(url)
    unchanged = client.post(url, _form_data(page))
    assert unchanged.status_code == 302
    assert question.versions.count() == 1  # saving without a change adds no version

    response = client.post(url, {**_form_data(page), "stem": "修改后的题干：事故发生后应当首先做什么？"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.current.number == 2 and question.current.stem.startswith("修改后的题干")
    drawn_again = QuestionVersion.objects.get(pk=drawn.pk)
    assert (drawn_again.number, drawn_again.stem) == (1, drawn.stem)
    item.refresh_from_db()
    assert item.version_id == drawn.pk
    assert paper_view(attempt)[0]["stem"] == drawn.stem
    assert paper_reproduce(attempt) == stored
    history = client.get(url).content.decode()
    assert drawn.stem in history and "修改后的题干" in history


def test_active_cannot_be_posted_and_retiring_goes_through_the_action(course):
    client = _client(course.staff)
    client.post("/admin/exams/question/add/", _question_post())
    question = Question.objects.get()
    url = f"/admin/exams/question/{question.pk}/change/"
    data = _form_data(client.get(url))
    data.pop("active", None)
    assert client.post(url, {**data, "active": ""}).status_code == 302
    question.refresh_from_db()
    assert question.active and question.versions.count() == 1

    done = client.post(
        "/admin/exams/question/",
        {"action": "retire", "_selected_action": [str(question.pk)], "index": "0"},
        follow=True,
    )
    assert "已停用：1" in " ".join(str(m) for m in done.context["messages"])
    question.refresh_from_db()
    assert not question.active
    # a retired question is history: viewable, no longer editable
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {**data, "stem": "再改一次"}).status_code == 403


def test_question_lists_are_scoped_and_filtered(course):
    support.question(topic="应急处置", classes="3", provider=course.project.provider)
    other = support.question(topic="法律法规", classes="1", provider=ProviderFactory())
    client = _client(course.staff)
    page = client.get("/admin/exams/question/").content.decode()
    assert "应急处置题干" in page and other.current.stem not in page
    assert client.get(f"/admin/exams/question/{other.pk}/change/").status_code == 404
    assert "应急处置题干" not in client.get("/admin/exams/question/?class=1").content.decode()
    assert "应急处置题干" in client.get("/admin/exams/question/?class=3&topic=应急处置").content.decode()


def _upload(client, path):
    formats = admin.site._registry[Question].get_import_formats()
    data = {
        "import_file": SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv"),
        "format": str(next(i for i, f in enumerate(formats) if issubclass(f, CSV))),
        "resource": "0",
    }
    return client.post("/admin/exams/question/import/", data)


def test_admin_import_gives_the_commands_errors_and_writes_nothing(course):
    response = _upload(_client(course.staff), BAD)
    assert response.status_code == 200
    lines = [
        f"row {row.number + 1}: {'；'.join(row.error_dict['__all__'])}"
        for row in response.context["result"].invalid_rows
    ]
    _code, out, _err = _run("import_questions", str(BAD))
    assert lines == out.splitlines()
    assert "confirm_form" not in response.context
    assert Question.objects.count() == 0


def test_admin_import_writes_good_rows_into_the_users_bank(course, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(
        "题型,题干,选项A,选项B,选项C,答案,知识点,难度,适用人员类别,解析\n"
        "单选,动火作业前应当进行哪项检测？,可燃气体浓度检测,噪声检测,照度检测,A,危险化工工艺安全,中,全部,\n"
        "判断,应急预案应当定期组织演练。,,,,对,应急处置,易,班组长,\n",
        encoding="utf-8",
    )
    client = _client(course.staff)
    preview = _upload(client, path)
    assert not preview.context["result"].has_validation_errors()
    assert Question.objects.count() == 0  # the preview is a dry run
    form = preview.context["confirm_form"]
    client.post("/admin/exams/question/process_import/", dict(form.initial))
    questions = Question.objects.select_related("current")
    assert sorted(q.current.kind for q in questions) == ["judge", "single"]
    assert {q.provider_id for q in questions} == {course.project.provider_id}


def _blueprint_post(project, cells, **settings) -> dict:
    data = {
        "project": str(project.pk),
        "personnel_class": str(support.PC.value),
        "single_points": "4",
        "multiple_points": "8",
        "judge_points": "1",
        "pass_mark": "80",
        "duration_minutes": "120",
        "multi_scoring": "all",
        "show_answers_after_close": "on",
        "cells-TOTAL_FORMS": str(len(cells)),
        "cells-INITIAL_FORMS": "0",
        "cells-MIN_NUM_FORMS": "0",
        "cells-MAX_NUM_FORMS": "1000",
        **settings,
    }
    for i, (kind, topic, difficulty, count) in enumerate(cells):
        data |= {
            f"cells-{i}-kind": kind,
            f"cells-{i}-topic": topic,
            f"cells-{i}-difficulty": difficulty,
            f"cells-{i}-count": str(count),
        }
    return data


def test_a_blueprint_the_bank_cannot_fill_is_refused_with_the_figures(course):
    support.bank(provider=course.project.provider)  # 12 single, 6 multiple, 22 judge
    client = _client(course.staff)
    cells = [
        ("single", "法律法规", "easy", 15),
        ("multiple", "应急处置", "medium", 5),
        ("judge", "职业健康", "easy", 20),
    ]
    response = client.post("/admin/exams/blueprint/add/", _blueprint_post(course.project, cells))
    assert response.status_code == 200
    page = response.content.decode()
    assert "单选/法律法规/易：需要15题，题库只有12题" in page
    assert "试卷总分为120分，考试规则要求100分" in page
    assert not Blueprint.objects.exists()

    cells[0] = ("single", "法律法规", "easy", 10)
    saved = client.post("/admin/exams/blueprint/add/", _blueprint_post(course.project, cells))
    assert saved.status_code == 302
    blueprint = Blueprint.objects.get()
    assert sorted(blueprint.cells.values_list("kind", "count")) == [("judge", 20), ("multiple", 5), ("single", 10)]


def test_blueprint_project_picker_is_scoped_and_project_fixed_on_change(course):
    support.bank(provider=course.project.provider)
    blueprint = support.blueprint(course.project)
    other = builders.project()
    client = _client(course.staff)
    add = client.get("/admin/exams/blueprint/add/")
    assert list(add.context["adminform"].form.fields["project"].queryset) == [course.project]
    url = f"/admin/exams/blueprint/{blueprint.pk}/change/"
    data = _form_data(client.get(url))
    assert client.post(url, {**data, "project": str(other.pk), "pass_mark": "85"}).status_code == 302
    blueprint.refresh_from_db()
    assert (blueprint.project, blueprint.pass_mark, blueprint.cells.count()) == (course.project, 85, 3)


def _sitting_post(project, **changes) -> dict:
    opens = timezone.localtime() + datetime.timedelta(days=1)
    data = {
        "project": str(project.pk),
        "name": "第二场",
        "mode": "site",
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": "09:00:00",
        "closes_at_0": opens.strftime("%Y-%m-%d"),
        "closes_at_1": "11:30:00",
        "site": "东营市安全生产考点",
        "room": "第2考场",
        "seats": "40",
    }
    return {**data, **changes}


def test_sitting_pickers_offer_only_what_the_user_may_see(course):
    other = builders.project(region=region_tree(city=("370600", "烟台市"), county=("370602", "芝罘区"))[1])
    near = staff_user(Role.EM_OFFICER, region=course.project.region)
    far = staff_user(Role.EM_OFFICER, region=other.region)
    client = _client(course.staff)
    form = client.get("/admin/exams/sitting/add/").context["adminform"].form
    assert list(form.fields["project"].queryset) == [course.project]
    assert list(form.fields["staff"].queryset) == [near]

    refused = client.post("/admin/exams/sitting/add/", _sitting_post(other, staff=[str(far.pk)]))
    errors = refused.context["adminform"].form.errors
    assert set(errors) == {"project", "staff"}
    assert not Sitting.objects.exists()

    created = client.post("/admin/exams/sitting/add/", _sitting_post(course.project, staff=[str(near.pk)]))
    assert created.status_code == 302
    sitting = Sitting.objects.get()
    assert (sitting.project, sitting.mode, list(sitting.staff.all())) == (course.project, "site", [near])


def test_sitting_mode_and_project_are_read_only_and_candidates_listed(course):
    sitting = support.sitting(course.project)
    enrollment = course.enrol()
    other = builders.project()
    client = _client(course.staff)
    url = f"/admin/exams/sitting/{sitting.pk}/change/"
    page = client.get(url).content.decode()
    assert enrollment.trainee.name in page and enrollment.trainee.id_number not in page  # masked
    response = client.post(url, _sitting_post(other, mode="online", name="改名场次"))
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert (sitting.project, sitting.mode, sitting.name) == (course.project, "site", "改名场次")
    bad = client.post(url, _sitting_post(course.project, closes_at_1="08:00:00"))
    assert "结束时间须晚于开始时间" in bad.content.decode()


def test_roles_without_the_permission_get_403(course):
    support.bank(provider=course.project.provider)
    blueprint = support.blueprint(course.project)
    sitting = support.sitting(course.project)
    auditor = staff_user(Role.AUDITOR)
    course.project.auditors.add(auditor)
    client = _client(auditor)
    assert client.get(f"/admin/exams/blueprint/{blueprint.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/exams/blueprint/add/").status_code == 403
    assert client.post("/admin/exams/blueprint/add/", _blueprint_post(course.project, [])).status_code == 403
    assert client.get("/admin/exams/sitting/add/").status_code == 403
    assert client.post(f"/admin/exams/sitting/{sitting.pk}/change/", _sitting_post(course.project)).status_code == 403
    assert client.get("/admin/exams/question/").status_code == 403
    assert client.post("/admin/exams/question/add/", _question_post()).status_code == 403
    assert client.get("/admin/exams/question/import/").status_code == 403
    hr = _client(staff_user(Role.HR_OFFICER, region=course.project.region))
    assert hr.get("/admin/exams/question/add/").status_code == 403
    # an EM officer keeps the bank of their region but does not set a provider's blueprints
    em = _client(staff_user(Role.EM_OFFICER, region=course.project.region))
    assert em.get("/admin/exams/question/add/").status_code == 200
    assert em.get("/admin/exams/blueprint/add/").status_code == 403


def test_cells_of_a_blueprint_papers_were_drawn_from_stay_fixed(course):
    support.bank(provider=course.project.provider)
    blueprint = support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    attempt = attempt_start(enrollment=course.enrol(), sitting=sitting, face_passed=True)
    stored = paper_stored(attempt)
    client = _client(course.staff)
    url = f"/admin/exams/blueprint/{blueprint.pk}/change/"
    data = _form_data(client.get(url))
    count = next(k for k, v in data.items() if k.endswith("-count") and v == 10)
    refused = client.post(url, {**data, count: "8", "single_points": "5"})
    assert "已有考生按此方案抽卷，组卷要求不能再改" in refused.content.decode()
    assert client.post(url, {**data, "pass_mark": "85"}).status_code == 302
    blueprint.refresh_from_db()
    assert blueprint.pass_mark == 85 and paper_reproduce(attempt) == stored
