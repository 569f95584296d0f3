"""The fund's pages before a claim (budgets, contract terms, acceptance) on a phone: at 390 px nothing is wider than
the viewport and each page shows its next step; the pages are reached by their links, as a user would. Screenshots
go to E2E_SCREENSHOT_DIR."""

from pathlib import Path

import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import live_server, run_json
from tests.e2e.test_mobile_e2e import _fits, _shots, _sign_in

pytestmark = pytest.mark.e2e


def test_fund_pages_fit_a_phone_and_show_a_next_step(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    shots = _shots(tmp_path)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(Path("/dev/null")))

        def check(page, name):
            expect(page.locator(".next-steps, p.hint").first).to_be_visible()
            _fits(page, f"{name} at 390")
            page.screenshot(path=shots / f"fund-390-{name}.png", full_page=True)

        for username, steps in [
            ("hr_dongying", ["预防费预算", "服务合同资金条款", "资金条款"]),
            ("auditor_demo", ["服务合同资金条款", "登记验收"]),
        ]:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
            _sign_in(page, base, username, demo["staff"][username])
            page.wait_for_url(lambda url: "/login/" not in url)
            page.goto(base + "/fund/")
            check(page, f"{username}-home")
            for i, text in enumerate(steps):
                page.locator("main a", has_text=text).first.click()
                page.wait_for_load_state()
                expect(page.locator(".next-steps").first).to_be_visible()
                check(page, f"{username}-{i}")
            page.close()
        browser.close()
