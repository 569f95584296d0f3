"""The demo lesson clips are made locally with the ffmpeg of the imageio-ffmpeg wheel (nothing downloaded)."""

import pytest

from proctoring.demo import load, make_clip
from tests.training import builders
from training.demo.organisations import DEMO_PROJECT_CODE
from training.models import Lesson

pytestmark = pytest.mark.django_db


def test_make_clip_writes_an_h264_mp4(tmp_path):
    clip = make_clip(tmp_path / "lessons" / "c.mp4", seconds=2, title="Demo")
    data = clip.read_bytes()
    assert data[4:8] == b"ftyp" and b"avc1" in data[:4096] + data[-65536:]


def test_load_adds_one_lesson_per_online_course_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proj = builders.project(code=DEMO_PROJECT_CODE)
    builders.plan(proj)
    lines = []
    load(lines.append)
    lessons = Lesson.objects.select_related("course").order_by("pk")
    assert [(x.course.is_documentary, x.duration_seconds) for x in lessons] == [(True, 45), (False, 30)]
    assert lessons[0].title == "生命重于泰山（演示片段）"
    assert (tmp_path / lessons[0].video.name).exists()
    load(lines.append)
    assert Lesson.objects.count() == 2 and lines[-1] == "   视频课时 0 个（演示片段，本地生成）"
