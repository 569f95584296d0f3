"""A provider runs a project from /projects/<id>/ (issue 8): the roster with class, hours and completion, filtered
and paged, exported to xlsx, people in no class assigned singly or in bulk under the capacity rule."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import staff_user
from tests.training import builders
from training.roles import Role
from training.tabular import xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    project = builders.project()
    builders.plan(project)
    placed = builders.offline_class(project, code="C-FULL", capacity=3)
    builders.enrol(project, placed)
    unplaced = [builders.enrol(project) for _ in range(4)]
    return project, placed, unplaced


def test_the_roster_shows_class_hours_and_completion_and_filters_people_in_no_class(client, running):
    project, placed, unplaced = running
    client.force_login(builders.provider_staff(project))
    page = client.get(reverse("project-detail", args=[project.pk]))
    text = page.content.decode()
    assert "共 5 人" in text and "C-FULL" in text and "未分班" in text and "总学时 0/" in text
    only_unplaced = client.get(reverse("project-detail", args=[project.pk]), {"offline_class": "none"})
    rows = only_unplaced.context["roster_rows"]
    assert sorted(e.pk for e, _ in rows) == sorted(e.pk for e in unplaced)


def test_the_roster_is_paged(client, running, monkeypatch):
    project, _, _ = running
    monkeypatch.setattr("training.views.projects.PAGE_SIZE", 2)
    client.force_login(builders.provider_staff(project))
    page = client.get(reverse("project-detail", args=[project.pk]), {"page": 3})
    assert page.context["roster_page"].number == 3 and len(page.context["roster_rows"]) == 1
    assert "第 3 / 3 页" in page.content.decode()


def test_the_export_is_the_filtered_roster_as_xlsx_with_a_local_date_name(client, running):
    project, _, unplaced = running
    client.force_login(builders.provider_staff(project))
    response = client.get(reverse("project-roster-export", args=[project.pk]), {"offline_class": "none"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{project.code}-%E8%8A%B1%E5%90%8D%E5%86%8C-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "身份证号", "人员类别") and len(rows) == 1 + len(unplaced)
    assert {r[0] for r in rows[1:]} == {e.trainee.name for e in unplaced}
    assert all(r[5] in ("", None) for r in rows[1:])  # no class


def test_export_cells_never_start_a_formula():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["=h"], [["=1+1", "+1", "-2", "@x", 3]]))).active
    assert sheet["A1"].value == "'=h"
    assert [c.value for c in sheet[2]] == ["'=1+1", "'+1", "'-2", "'@x", 3]


def test_bulk_assign_fills_the_class_to_its_capacity_and_says_why_the_rest_were_refused(client, running):
    project, placed, unplaced = running
    client.force_login(builders.provider_staff(project))
    response = client.post(
        reverse("project-assign-class", args=[project.pk]),
        {"offline_class": placed.pk, "all": "1", "query": "offline_class=none"},
        follow=True,
    )
    text = response.content.decode()
    assert "已分入班级 C-FULL：2 人" in text
    assert text.count("已满") + text.count("上限") >= 2, text[:3000]
    assert placed.enrollments.count() == 3


def test_assign_one_person_and_only_with_the_form_class_permission(client, running):
    project, _, unplaced = running
    other = builders.offline_class(project, code="C-OTHER")
    officer = staff_user(Role.HR_OFFICER, region=project.region)
    client.force_login(officer)
    url = reverse("project-assign-class", args=[project.pk])
    assert client.post(url, {"offline_class": other.pk, "enrollment": [unplaced[0].pk]}).status_code == 403
    client.force_login(builders.provider_staff(project))
    client.post(url, {"offline_class": other.pk, "enrollment": [unplaced[0].pk]})
    unplaced[0].refresh_from_db()
    assert unplaced[0].offline_class_id == other.pk


# --- roster imports: the result page, the template's example row, the error report's name ------------------------


def _upload(client, world, data, name):
    from training.models import RosterImport

    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("roster-list"), {"project": world.project.pk, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return RosterImport.objects.latest("pk")


def test_the_template_example_row_is_skipped_and_the_result_links_to_the_project_roster(client):
    from tests.training.roster_support import World, csv_bytes
    from training.rosters import columns as c

    world = World()
    client.force_login(builders.provider_staff(world.project))
    record = _upload(client, world, csv_bytes([dict(c.EXAMPLE_ROW), world.row()]), "花名册.csv")
    assert record.total_rows == 1 and record.invalid_rows == 0
    client.post(reverse("roster-commit", args=[record.pk]))
    page = client.get(reverse("roster-detail", args=[record.pk])).content.decode()
    assert f'href="{reverse("project-detail", args=[world.project.pk])}#roster"' in page


def test_the_error_report_is_named_after_the_uploaded_file(client):
    from tests.training.roster_support import World, csv_bytes
    from training.rosters import columns as c

    world = World()
    client.force_login(builders.provider_staff(world.project))
    bad = world.row(**{c.PHONE: "1"})
    first = _upload(client, world, csv_bytes([bad]), "东营一期.csv")
    second = _upload(client, world, csv_bytes([bad]), "东营一期.csv")  # the stored name now has a suffix
    for record in (first, second):
        response = client.get(reverse("roster-report", args=[record.pk]))
        assert (
            "%E4%B8%9C%E8%90%A5%E4%B8%80%E6%9C%9F-%E9%94%99%E8%AF%AF%E6%8A%A5%E5%91%8A.csv"
            in (response["Content-Disposition"])
        ), response["Content-Disposition"]
