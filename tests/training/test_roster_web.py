"""The web door for rosters: upload, preview, error report, confirmation, Celery path with progress, scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import staff_user
from tests.training import builders
from tests.training.roster_support import World, csv_bytes, xlsx_bytes
from training.models import Enrollment, RosterImport, RosterImportStatus
from training.roles import Role
from training.rosters import columns as c
from training.rosters import uploads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


@pytest.fixture
def staff(world, client):
    user = builders.provider_staff(world.project)
    client.force_login(user)
    return user


def upload(client, world, data, name="roster.csv", **extra):
    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("roster-list"), {"project": world.project.pk, "file": file, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return RosterImport.objects.latest("pk"), response


def test_good_file_is_checked_previewed_then_imported_on_confirmation(client, world, staff):
    rows = [world.row(**{c.NEW_OR_TRANSFERRED: "是"}), world.row()]
    record, response = upload(client, world, csv_bytes(rows))
    assert record.status == RosterImportStatus.CHECKED and record.total_rows == 2 and record.priority == 1
    page = client.get(response.url).content.decode()
    assert rows[0][c.ID_NUMBER] in page and reverse("roster-commit", args=[record.pk]) in page
    assert not Enrollment.objects.filter(project=world.project).exists()  # a check writes nothing
    client.post(reverse("roster-commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImportStatus.DONE and record.enrolled == 2
    assert Enrollment.objects.filter(project=world.project).count() == 2
    client.post(reverse("roster-commit", args=[record.pk]))  # a second click imports nothing more
    record.refresh_from_db()
    assert record.status == RosterImportStatus.DONE


def test_bad_rows_are_listed_and_the_report_is_the_file_with_a_reason_column(client, world, staff):
    rows = [world.row(), world.row(**{c.ID_NUMBER: "110105194912310021"})]
    record, response = upload(client, world, xlsx_bytes(rows), name="花名册.xlsx")
    page = client.get(response.url).content.decode()
    assert "身份证号: 校验位错误（应为X）" in page and reverse("roster-commit", args=[record.pk]) not in page
    report = client.get(reverse("roster-report", args=[record.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][-1] == c.ERROR_COLUMN and table[0][:8] == list(c.COLUMNS)
    assert table[1][-1] in (None, "") and table[2][-1] == "身份证号: 校验位错误（应为X）"
    assert table[2][1] == "110105194912310021"
    client.post(reverse("roster-commit", args=[record.pk]))  # all or nothing
    record.refresh_from_db()
    assert record.status == RosterImportStatus.REJECTED
    assert not Enrollment.objects.filter(project=world.project).exists()


def test_skip_invalid_imports_the_good_rows(client, world, staff):
    rows = [world.row(), world.row(**{c.PHONE: "1"})]
    record, _ = upload(client, world, csv_bytes(rows), skip_invalid="on")
    client.post(reverse("roster-commit", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.enrolled, record.invalid_rows) == (RosterImportStatus.DONE, 1, 1)


def test_unreadable_file_says_why(client, world, staff):
    record, response = upload(client, world, "姓名,手机号\n张三,139\n".encode())
    assert record.status == RosterImportStatus.FAILED
    assert "缺少列：身份证号, 人员类别" in client.get(response.url).content.decode()


def test_large_files_run_in_the_celery_task_and_report_progress(
    client, world, staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(uploads, "SYNC_MAX_BYTES", 10)
    calls = []
    real = uploads.progress_set
    monkeypatch.setattr(uploads, "progress_set", lambda pk, **kw: (calls.append(kw), real(pk, **kw)))
    monkeypatch.setattr("training.rosters.service.WRITE_BATCH", 2)
    rows = [world.row() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        record, _ = upload(client, world, csv_bytes(rows))
    record.refresh_from_db()
    assert record.status == RosterImportStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster-commit", args=[record.pk]))
    assert {"stage": "importing", "done": 4, "total": 5} in calls  # progress per written batch
    progress = client.get(reverse("roster-progress", args=[record.pk])).json()
    assert progress["finished"] and progress["percent"] == 100 and progress["status"] == "done"
    assert Enrollment.objects.filter(project=world.project).count() == 5


def test_progress_of_a_running_import(client, world, staff):
    record, _ = upload(client, world, csv_bytes([world.row()]))
    RosterImport.objects.filter(pk=record.pk).update(status=RosterImportStatus.IMPORTING)
    uploads.progress_set(record.pk, stage="importing", done=2000, total=8000)
    assert client.get(reverse("roster-progress", args=[record.pk])).json()["percent"] == 25
    page = client.get(reverse("roster-detail", args=[record.pk])).content.decode()
    assert 'role="progressbar"' in page


def test_other_providers_see_nothing_and_cannot_pick_the_project(client, world, staff):
    record, _ = upload(client, world, csv_bytes([world.row()]))
    stranger_project = builders.project(region=world.city)
    client.force_login(builders.provider_staff(stranger_project))
    for name in ("roster-detail", "roster-progress", "roster-report"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse("roster-commit", args=[record.pk])).status_code == 404
    file = io.BytesIO(csv_bytes([world.row()]))
    file.name = "r.csv"
    response = client.post(reverse("roster-list"), {"project": world.project.pk, "file": file})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()


def test_officers_may_look_but_not_upload(client, world):
    officer = staff_user(Role.EM_OFFICER, region=world.city)
    client.force_login(officer)
    assert client.get(reverse("roster-list")).status_code == 200
    file = io.BytesIO(csv_bytes([world.row()]))
    file.name = "r.csv"
    assert client.post(reverse("roster-list"), {"project": world.project.pk, "file": file}).status_code == 403


def test_template_has_the_headers_an_example_and_instructions(client, world, staff):
    response = client.get(reverse("roster-template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(c.COLUMNS)
    example = [cell.value for cell in sheet[2]]
    assert example[1] == c.EXAMPLE_ROW[c.ID_NUMBER]
    assert "填写说明" in book.sheetnames


def test_a_worker_that_dies_midway_leaves_the_upload_checked_for_the_redelivered_task(
    client, world, staff, monkeypatch
):
    """Tasks are acks_late: Celery hands a dead worker's task to another. The claim rolls back with the rows, so
    the second run imports; nothing is left half-written or stuck at 导入中."""
    record, _response = upload(client, world, csv_bytes([world.row(), world.row()]))
    real_import = uploads.roster_import

    def dies_after_writing(**kwargs):
        real_import(**kwargs)  # rows written inside the transaction…
        raise SystemExit("worker lost")  # …then the process dies (what Celery sees as a lost worker)

    monkeypatch.setattr(uploads, "roster_import", dies_after_writing)
    with pytest.raises(SystemExit):
        uploads.roster_upload_commit(upload=record)
    record.refresh_from_db()
    assert record.status == RosterImportStatus.CHECKED
    assert not Enrollment.objects.filter(project=world.project).exists()

    monkeypatch.setattr(uploads, "roster_import", real_import)
    assert uploads.roster_upload_commit(upload=record).status == RosterImportStatus.DONE
    assert Enrollment.objects.filter(project=world.project).count() == 2
