"""The yearly progress report (按年度调度): in the viewer's scope, as xlsx (every sheet, formulas neutralised) and
as PDF (WeasyPrint, Noto CJK), one click each from /coverage/."""

import io
import shutil
import subprocess

import openpyxl
import pytest

from oversight import services
from tests.oversight.support import add_trainee, build_world
from training.models import PersonnelClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    add_trainee(w, w.enterprises["park"], enrol=True, new=True)
    add_trainee(w, w.enterprises["county"], passed=True)
    add_trainee(w, w.enterprises["other"], PersonnelClass.TEAM_LEADER, passed=True)
    w.enterprises["county"].name = '=HYPERLINK("http://x")化工'  # a name a spreadsheet would run
    w.enterprises["county"].save()
    for region, people in ((w.city, 100), (w.county, 40), (w.other_county, 50)):
        services.set_baseline(region=region, personnel_class=PersonnelClass.SAFETY_MANAGER, people=people)
        services.set_target(region=region, personnel_class=PersonnelClass.SAFETY_MANAGER, year=2024, people=people)
    return w


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _text(book) -> str:
    return "\n".join(
        "|".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_coverage_page_links_the_report_one_click_each(client, world):
    client.force_login(world.em_county)
    html = client.get("/coverage/").content.decode()
    assert 'id="report-pdf" href="/coverage/report.pdf"' in html
    assert 'id="report-xlsx" href="/coverage/report.xlsx"' in html
    drilled = client.get(f"/coverage/?park={world.park.pk}").content.decode()
    assert f'href="/coverage/report.pdf?park={world.park.pk}"' in drilled


def test_county_report_xlsx_holds_the_county_only(client, world):
    client.force_login(world.em_county)
    book = _book(client.get("/coverage/report.xlsx"))
    assert [s.title for s in book.worksheets][:3] == ["报告", "1-分类别覆盖情况", "2-分地区覆盖情况"]
    text = _text(book)
    assert "东营区 2024年度危险化学品企业工伤预防能力提升培训进度报告" in text
    assert "河口" not in text
    by_class = list(book["1-分类别覆盖情况"].iter_rows(values_only=True))
    managers = [r for r in by_class if r[0] == "专职安全管理人员"][0]
    # baseline 40, target 40, 2 registered, 2 enrolled, none trained, 1 passed (cumulative)
    assert managers[1:6] == (40, 40, 2, 2, 0) and managers[7] == 1
    subregions = {r[0] for r in book["2-分地区覆盖情况"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert subregions == {"东营港经济开发区", "园区外企业"}
    assert "资金使用" in text


def test_park_report_holds_the_park_only_and_no_region_funds(client, world):
    client.force_login(world.park_officer)
    text = _text(_book(client.get("/coverage/report.xlsx")))
    assert "园区内化工公司" in text
    assert "HYPERLINK" not in text and "河口" not in text and "东营区园区外" not in text
    assert "园区不单独核算资金" in text


def test_no_cell_is_a_formula(client, world):
    client.force_login(world.em_city)
    book = _book(client.get("/coverage/report.xlsx?region=370502"))
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    assert not any(str(c.value).startswith("=") for c in cells)


@pytest.mark.parametrize("query", ["region=370503", "region=370500", "park={other}"])
def test_report_outside_the_scope_is_404(client, world, query):
    client.force_login(world.em_county)
    query = query.format(other=world.other_park.pk)
    for url in ("/coverage/report/", "/coverage/report.xlsx", "/coverage/report.pdf"):
        assert client.get(f"{url}?{query}").status_code == 404, (url, query)


def test_report_pdf_renders_the_chinese(client, world):
    client.force_login(world.em_city)
    response = client.get("/coverage/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    page = client.get("/coverage/report/").content.decode()
    for text in (
        "东营市 2024年度",
        "一、分类别覆盖情况",
        "三、考试合格率",
        "四、学习异常预警",
        "五、培训机构评价",
        "六、资金使用",
    ):
        assert text in page
    if shutil.which("pdftotext"):  # poppler-utils, where installed: the PDF's own text
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "培训进度报告" in text and "分地区覆盖情况" in text and "河口区" in text
