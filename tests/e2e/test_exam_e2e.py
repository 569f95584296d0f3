"""The online proctored exam in a real browser (Debian's Chromium, playwright) with the study test's fake camera:
the candidate passes the face check, answers, reloads mid-exam and finds the answers, submits, sees the result and
opens the certificate's public page. A second run lets the deadline pass with the browser closed and finds the
attempt submitted by the server (a real Celery worker on Redis)."""

import os
import re
import subprocess
import sys
import time

import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import ROOT, live_server
from tests.proctoring.frames import photos_from_env, write_y4m

pytestmark = pytest.mark.e2e
SEED = ROOT / "tests" / "exams" / "e2e_seed.py"
SERVER_SETTINGS = {"EXAM_FACE_CHECK_MIN_SECONDS": 3, "EXAM_FACE_CHECK_MAX_SECONDS": 5, "EXAM_MAX_INCIDENTS": 50}


def seed_json(env, *args) -> dict:
    import json

    done = subprocess.run(
        [sys.executable, str(SEED), *map(str, args)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    for line in done.stdout.splitlines():
        if line.startswith("E2E-JSON "):
            return json.loads(line[len("E2E-JSON ") :])
    raise AssertionError(f"e2e_seed {args} failed:\n{done.stdout}\n{done.stderr}")


def _sign_in(page, base, account):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", account["username"])
    page.fill("input[name=password]", account["password"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def _start(pw, chromium_path, y4m, base, account):
    browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(y4m))
    page = browser.new_page(locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, base, account)
    page.goto(f"{base}/exams/")
    page.click(f"a.sitting-link[href='/exams/sittings/{account['sitting']}/']")
    try:
        page.click("#start-exam", timeout=20_000)
        page.wait_for_url(re.compile(r".*/exams/attempts/\d+/$"), timeout=60_000)
    except Exception as error:
        main = page.locator("main").text_content()
        raise AssertionError(f"the exam did not open: {main}\n{(base_log(base)).read_text()[-2000:]}") from error
    return browser, page, int(page.url.rstrip("/").rsplit("/", 1)[1])


def _answer(page, answers, items):
    from playwright.sync_api import expect

    for item in items:
        for letter in answers[item]:
            page.check(f"li[data-item='{item}'] input[value='{letter}']")
        expect(page.locator(f"li[data-item='{item}'] .save-state")).to_have_text("已保存", timeout=20_000)


LOGS = {}


def base_log(base):
    return LOGS[base]


def _camera(faces_dir, tmp_path):
    photos = photos_from_env(os.environ.get("E2E_STUDY_FACE_SAME", "obama2.jpg"), faces_dir)
    return write_y4m(photos, tmp_path / "same.y4m", seconds=90, fps=2)


def test_exam_face_check_answers_reload_submit_certificate(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    y4m = _camera(faces_dir, tmp_path)
    with live_server(tmp_path, **SERVER_SETTINGS) as (base, env), sync_playwright() as pw:
        LOGS[base] = tmp_path / "daphne.log"
        account = seed_json(env, "seed", faces_dir / "obama.jpg", 3600)
        browser, page, attempt = _start(pw, chromium_path, y4m, base, account)
        answers = seed_json(env, "answers", attempt)
        items = list(answers)
        _answer(page, answers, items[:10])
        page.reload()  # mid-exam: every saved answer comes back from the server
        for item in items[:10]:
            for letter in answers[item]:
                expect(page.locator(f"li[data-item='{item}'] input[value='{letter}']")).to_be_checked()
        _answer(page, answers, items[10:])
        time.sleep(6)  # at least one random face check during the exam
        page.click("#submit-exam")
        page.wait_for_url(re.compile(r".*/result/$"), timeout=30_000)
        expect(page.locator("#verdict")).to_contain_text("合格")
        expect(page.locator("#score")).to_contain_text("100")
        page.click("#certificate-public")
        expect(page.locator("#status")).to_have_text("有效")
        name = page.locator("#name").text_content()
        assert "*" in name
        browser.close()
        report = seed_json(env, "report", attempt)
    assert report["status"] == "submitted" and report["reason"] == "candidate" and report["passed"], report
    assert report["evidence"] == [] and report["certificate"], report
    assert report["events"].count("face") >= 2, report  # the opening check and at least one random one


@pytest.mark.redis
def test_exam_deadline_passes_with_the_browser_closed(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import sync_playwright

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    y4m = _camera(faces_dir, tmp_path)
    settings = {**SERVER_SETTINGS, "CELERY_TASK_ALWAYS_EAGER": 0}
    with live_server(tmp_path, **settings) as (base, env), sync_playwright() as pw:
        log = open(tmp_path / "worker.log", "w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "info"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            LOGS[base] = tmp_path / "daphne.log"
            account = seed_json(env, "seed", faces_dir / "obama.jpg", 150)
            browser, page, attempt = _start(pw, chromium_path, y4m, base, account)
            answers = seed_json(env, "answers", attempt)
            _answer(page, answers, list(answers)[:3])
            browser.close()  # the candidate leaves; nobody visits a page again
            report = seed_json(env, "report", attempt)
            assert report["status"] == "open", report
            end = time.monotonic() + 240
            while time.monotonic() < end and report["status"] == "open":
                time.sleep(3)
                report = seed_json(env, "report", attempt)
        finally:
            worker.terminate()
            worker.wait(20)
    assert report["status"] == "submitted" and report["reason"] == "deadline" and report["on_time"], report
    assert report["answers"] == 3 and report["evidence"] == [], report
