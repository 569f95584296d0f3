"""Pages on a phone (issue 8): a trainee at 390 × 844 in a real browser (Chromium driven by playwright), on the
demo's own data. On the home, consent, study and progress pages no element is wider than the viewport, and the
lesson video is at least 300 px wide. Provider and official pages are checked at 390, 768 and 1366 px too.
Screenshots go to E2E_SCREENSHOT_DIR (default: the test's tmp folder) to be looked at."""

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import chromium_args
from tests.e2e.server import live_server, run_json
from tests.proctoring.frames import write_y4m

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WIDTHS = [390, 768, 1366]

# Every element must fit the viewport, unless it sits inside a box that scrolls sideways and itself fits
# (a wide table scrolls inside its own box; the page never scrolls sideways).
TOO_WIDE = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  const scrollsAndFits = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return p.getBoundingClientRect().right <= W + 1;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if ((r.width > W + 1 || r.right > W + 1 || r.left < -1) && !scrollsAndFits(el)) {
      const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`;
      bad.push(`${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return {bad: bad.slice(0, 10), scrollWidth: document.documentElement.scrollWidth, width: W};
}"""


def _shots(tmp_path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def _fits(page, label):
    result = page.evaluate(TOO_WIDE)
    assert not result["bad"] and result["scrollWidth"] <= result["width"], f"{label}: {result}"


def test_a_trainee_on_a_phone_sees_every_page_fit_and_a_full_width_video(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    camera = write_y4m([faces_dir / "obama2.jpg"], tmp_path / "camera.y4m", seconds=20, fps=2)
    shots = _shots(tmp_path)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(camera))
        page = browser.new_page(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="zh-CN")
        _sign_in(page, base, demo["trainee"]["username"], demo["trainee"]["password"])

        # the menu is folded behind ☰ on a phone, and opens on a tap
        expect(page.locator("nav.menu")).to_be_hidden()
        page.click("label.nav-button")
        expect(page.locator("nav.menu")).to_be_visible()
        page.screenshot(path=shots / "trainee-390-menu.png")
        _fits(page, "home with the menu open")

        lesson = demo["lessons"][0]
        for name, path in [
            ("home", "/"),
            ("consent", "/faces/consent/"),
            ("study-list", "/study/"),
            ("study", f"/study/lesson/{lesson}/"),
            ("progress", "/me/progress/"),
            ("enrol", "/faces/enrol/"),
        ]:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            _fits(page, name)
            page.screenshot(path=shots / f"trainee-390-{name}.png", full_page=True)
            if name == "study":
                assert page.locator("#lesson-video").bounding_box()["width"] >= 300
                assert page.locator("#start-study").bounding_box()["width"] >= 60  # not one character per line
                page.click("#start-study")
                expect(page.locator("#study-state")).not_to_have_text("未开始", timeout=20_000)
                assert page.locator("#camera").bounding_box()["width"] >= 300
                _fits(page, "study, camera on")
                page.screenshot(path=shots / "trainee-390-study-started.png", full_page=True)
        browser.close()


def test_provider_and_official_pages_fit_at_phone_tablet_and_desktop_widths(tmp_path, faces_dir, chromium_path):
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=chromium_args(Path("/dev/null")))
        for username, paths in [
            ("provider_dongying", ["/", "/projects/", "/projects/1/", "/classes/", "/rosters/"]),
            ("em_dongying", ["/", "/trainees/", "/enterprises/", "/flags/"]),
            ("hr_dongying", ["/", "/projects/1/", "/projects/?status=waiting"]),
            (
                "admin",
                [
                    "/trainees/1/",
                    "/enterprises/1/",
                    "/classes/4/",
                    "/sessions/1/attendance/",
                    "/plans/1/",
                    "/public/removed-providers/",
                    "/password-reset/",
                ],
            ),
        ]:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
                _sign_in(page, base, username, demo["staff"][username])
                for path in paths:
                    page.goto(base + path)
                    _fits(page, f"{username} {path} at {width}")
                    slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
                    page.screenshot(path=shots / f"{username}-{width}-{slug}.png", full_page=True)
                page.close()
        browser.close()


BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def test_a_camera_that_fails_is_explained_in_chinese_with_a_way_forward(tmp_path, faces_dir, chromium_path):
    """No camera at all, and a camera whose permission is refused: the enrolment page says which, how to fix it on
    a computer and on a phone, and links to the offline alternative (never the browser's English error)."""
    from playwright.sync_api import expect, sync_playwright

    shots = _shots(tmp_path)
    camera = write_y4m([faces_dir / "obama2.jpg"], tmp_path / "camera.y4m", seconds=4, fps=2)
    with live_server(tmp_path) as (base, env), sync_playwright() as pw:
        demo = run_json(env, "demo", str(faces_dir / "obama.jpg"))
        trainee = demo["trainee"]
        setups = {
            # no fake device: this machine has no camera
            "none": BASE_ARGS + ["--use-fake-ui-for-media-stream"],
            "denied": BASE_ARGS
            + [
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={camera}",
                "--deny-permission-prompts",
            ],
        }
        expected = {"none": "没有找到摄像头", "denied": "摄像头权限被拒绝"}
        for kind, args in setups.items():
            browser = pw.chromium.launch(executable_path=str(chromium_path), args=args)
            page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            _sign_in(page, base, trainee["username"], trainee["password"])
            page.goto(f"{base}/faces/enrol/")
            help_box = page.locator("#camera-help")
            expect(help_box).to_contain_text(expected[kind], timeout=20_000)
            assert help_box.get_attribute("data-problem") == kind
            text = help_box.text_content()
            assert "电脑上" in text and "手机上" in text and "Requested device not found" not in text
            expect(help_box.locator("a[href='/faces/alternative/']")).to_be_visible()
            _fits(page, f"enrol, camera {kind}")
            page.screenshot(path=shots / f"trainee-390-enrol-camera-{kind}.png", full_page=True)
            # the other two problems, as the browser names them
            words = page.evaluate(
                "() => ['NotReadableError', 'InsecureContext'].map((n) => { const e = new Error('x'); e.name = n;"
                " return cameraProblem(e).title; })"
            )
            assert words == ["摄像头正被其他程序占用", "页面不安全，浏览器不允许使用摄像头"]
            browser.close()
