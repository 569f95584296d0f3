"""The province dashboard in a browser (issue 11): em_shandong sees the three charts drawn by the project's own
ECharts, drills down to a county, downloads the xlsx export (opened with openpyxl) and the yearly report as xlsx
and PDF; the page fits a 390 px phone. Screenshots (desktop and phone) go to E2E_SCREENSHOT_DIR."""

import io
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import live_server, run_json
from tests.e2e.test_mobile_e2e import _fits, _shots, _sign_in

pytestmark = pytest.mark.e2e

CHARTS = ["#chart-progress-1", "#chart-progress-2", "#chart-progress-3", "#chart-ranking", "#chart-providers"]
DRAWN = """(sel) => {
  const el = document.querySelector(sel);
  const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
  const canvas = el && el.querySelector("canvas");
  const series = chart ? chart.getOption().series : [];
  return {
    width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0,
    points: series.reduce((n, s) => n + (s.data || []).filter((v) => v !== null && v !== undefined).length, 0),
  };
}"""


def _charts_drawn(page):
    for selector in CHARTS:
        drawn = page.evaluate(DRAWN, selector)
        assert drawn["width"] > 100 and drawn["height"] > 100 and drawn["points"] > 0, (selector, drawn)


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_province_dashboard_charts_drill_down_and_downloads(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    shots = _shots(tmp_path)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(Path("/dev/null")))
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, base, "em_shandong", demo["staff"]["em_shandong"])
        page.goto(f"{base}/coverage/")
        expect(page.locator("h1")).to_contain_text("山东省")
        page.wait_for_function("document.querySelector('#chart-providers canvas') !== null")
        _charts_drawn(page)
        page.screenshot(path=shots / "dashboard-province-1280.png", full_page=True)

        # drill down: the province → Dongying → a county, through the table's links
        page.click("#coverage a[href='?region=370500']")
        expect(page.locator("h1")).to_contain_text("东营市")
        page.click("#coverage a[href='?region=370503']")
        expect(page.locator("h1")).to_contain_text("河口区")
        page.wait_for_function("document.querySelector('#chart-progress-1 canvas') !== null")
        page.screenshot(path=shots / "dashboard-county-1280.png", full_page=True)

        book = openpyxl.load_workbook(io.BytesIO(_download(page, "a[href='/coverage/export.xlsx?region=370503']")))
        rows = [r for r in book.active.iter_rows(values_only=True)]
        assert rows[0][0] == "地区/园区/企业"
        labels = {r[0] for r in rows[1:]}
        assert "东营港经济开发区" in labels and "河口区" in labels and "东营区" not in labels
        total = [r for r in rows if r[0] == "河口区" and r[1] == "班组长"][0]
        assert total[2] > 0  # people registered in the county

        report = openpyxl.load_workbook(io.BytesIO(_download(page, "#report-xlsx")))
        assert "河口区" in report.worksheets[0]["A1"].value
        pdf = _download(page, "#report-pdf")
        assert pdf.startswith(b"%PDF")
        assert not errors, errors

        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        _sign_in(phone, base, "em_shandong", demo["staff"]["em_shandong"])
        for path in ("/coverage/", "/coverage/?region=370503", "/coverage/report/?region=370503"):
            phone.goto(base + path)
            expect(phone.locator(".next-steps").first).to_be_visible()
            _fits(phone, f"em_shandong {path} at 390")
            slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            phone.screenshot(path=shots / f"dashboard-390-{slug}.png", full_page=True)
        phone.goto(f"{base}/coverage/")
        phone.wait_for_function("document.querySelector('#chart-providers canvas') !== null")
        _charts_drawn(phone)
        browser.close()
