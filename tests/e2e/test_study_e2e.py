"""Face-verified online study in a real browser (Debian's Chromium, driven by playwright) with a fake camera fed
by a .y4m written from the face photos: enrol one person through the camera; study a lesson as that person →
minutes credited; study as another person → nothing credited and a flag raised.

Photos: E2E_ENROLL_FACE, E2E_STUDY_FACE_SAME, E2E_STUDY_FACE_OTHER (a path, or several comma-separated;
defaults in the shared faces folder)."""

import math
import os
import re

import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import live_server, run_json
from tests.proctoring.frames import photos_from_env, write_y4m

pytestmark = pytest.mark.e2e

# Short intervals so a 40-second lesson sees many random checks.
SERVER_SETTINGS = {
    "FACE_SNAPSHOT_MIN_SECONDS": 3,
    "FACE_SNAPSHOT_MAX_SECONDS": 5,
    "STUDY_HEARTBEAT_SECONDS": 1,
    "STUDY_HEARTBEAT_TIMEOUT_SECONDS": 5,
    "STUDY_RECHECK_SECONDS": 30,
}


def _photos(name, default, faces_dir):
    return photos_from_env(os.environ.get(name, default), faces_dir)


def _browser(playwright, chromium_path, y4m):
    return playwright.chromium.launch(executable_path=str(chromium_path), args=chromium_args(y4m))


def _page_state(page, tmp_path) -> str:
    fields = ["study-state", "verified", "pending", "credited", "last-verdict", "study-message"]
    state = {f: page.locator(f"#{f}").text_content() for f in fields}
    state["video"] = page.evaluate(
        "() => { const v = document.getElementById('lesson-video');"
        " return [v.currentTime, v.paused, v.readyState, v.error && v.error.code]; }"
    )
    return f"page: {state}\nserver log:\n{(tmp_path / 'daphne.log').read_text()[-3000:]}"


def _watch_csp(page, violations: list) -> None:
    """Collect what the Content-Security-Policy blocked (issue 7): the camera pages must work under it."""
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))


def _sign_in(page, base, account):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", account["username"])
    page.fill("input[name=password]", account["password"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_study_credits_the_enrolled_person_and_flags_another(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    cameras = {
        # 2 frames/s for 90 s: no frame repeats while a page studies (a repeat would rightly be `static`)
        name: write_y4m(_photos(var, default, faces_dir), tmp_path / f"{name}.y4m", seconds=seconds, fps=2)
        for name, var, default, seconds in [
            ("enrol", "E2E_ENROLL_FACE", "obama.jpg", 5),
            ("same", "E2E_STUDY_FACE_SAME", "obama2.jpg", 90),
            ("other", "E2E_STUDY_FACE_OTHER", "biden.jpg", 90),
        ]
    }
    violations = []
    with live_server(tmp_path, **SERVER_SETTINGS) as (base, env), sync_playwright() as pw:
        account = run_json(env, "seed")
        own_lesson, other_lesson = account["lessons"]

        # 1. consent and enrolment through the camera
        browser = _browser(pw, chromium_path, cameras["enrol"])
        page = browser.new_page(locale="zh-CN")  # Chinese UI (English exists and Chromium asks for en-US)
        _watch_csp(page, violations)
        _sign_in(page, base, account)
        page.goto(f"{base}/faces/consent/")
        page.click("button[value=consent]")
        page.wait_for_url(re.compile(r".*/faces/enrol/$"))
        expect(page.locator("#capture")).to_be_enabled(timeout=20_000)
        page.click("#capture")
        expect(page.locator("#result.ok")).to_contain_text("人脸采集成功", timeout=30_000)
        browser.close()

        # 2. the same person studies: verified time is credited, in whole seconds in the ledger
        browser = _browser(pw, chromium_path, cameras["same"])
        page = browser.new_page(locale="zh-CN")  # Chinese UI (English exists and Chromium asks for en-US)
        _watch_csp(page, violations)
        _sign_in(page, base, account)
        study_page = page.goto(f"{base}/study/lesson/{own_lesson}/")
        assert "media-src 'self' blob: mediastream:" in study_page.headers["content-security-policy"]
        page.click("#start-study")
        expect(page.locator("#study-state")).to_have_text("学习中", timeout=20_000)
        try:
            page.wait_for_function(
                "() => parseInt(document.getElementById('credited').textContent) >= 36", timeout=90_000
            )
        except Exception as error:
            raise AssertionError(_page_state(page, tmp_path)) from error
        expect(page.locator("#last-verdict")).to_have_text("本人，核验通过")
        browser.close()

        # 3. another person at the same account: nothing credited, the timer pauses, a flag is raised
        browser = _browser(pw, chromium_path, cameras["other"])
        page = browser.new_page(locale="zh-CN")  # Chinese UI (English exists and Chromium asks for en-US)
        _sign_in(page, base, account)
        page.goto(f"{base}/study/lesson/{other_lesson}/")
        page.click("#start-study")
        expect(page.locator("#recheck")).to_be_visible(timeout=60_000)
        expect(page.locator("#last-verdict")).to_have_text("非本人")
        expect(page.locator("#study-state")).to_have_text("计时暂停")
        assert page.locator("#credited").text_content() == "0"
        browser.close()

        result = run_json(env, "report", str(own_lesson), str(other_lesson))
    assert violations == []
    own, other = result[str(own_lesson)], result[str(other_lesson)]
    assert own["credited_seconds"] >= 36 and own["watched_seconds"] >= 36, own
    assert sum(own["seconds"]) == math.floor(own["watched_seconds"] + 1e-6), own  # every verified second
    assert set(own["verdicts"]) == {"match"} and own["flags"] == [], own
    assert other["credited_seconds"] == 0 and other["seconds"] == [] and other["watched_seconds"] == 0, other
    assert other["verdicts"][0] == "mismatch" and ["failed_check", "mismatch"] in other["flags"], other
