"""The oversight pages (issue 11, first part) on a phone: at 390 px no element is wider than the viewport (the wide
tables become cards), and each page shows its next step. Screenshots go to E2E_SCREENSHOT_DIR."""

from pathlib import Path

import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import live_server, run_json
from tests.e2e.test_mobile_e2e import _fits, _shots, _sign_in

pytestmark = pytest.mark.e2e


def test_coverage_pages_fit_a_phone_and_show_a_next_step(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    shots = _shots(tmp_path)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(Path("/dev/null")))
        for username, paths in [
            (
                "em_dongying",
                [
                    "/coverage/",
                    "/coverage/?region=370502",
                    "/coverage/follow-ups/",
                    "/coverage/targets/",
                    "/coverage/targets/import/",
                ],
            ),
            ("park_dongyinggang", ["/coverage/", "/coverage/follow-ups/"]),
        ]:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
            _sign_in(page, base, username, demo["staff"][username])
            for path in paths:
                page.goto(base + path)
                expect(page.locator(".next-steps").first).to_be_visible()
                _fits(page, f"{username} {path} at 390")
                slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
                page.screenshot(path=shots / f"{username}-390-{slug}.png", full_page=True)
            page.close()
        browser.close()
