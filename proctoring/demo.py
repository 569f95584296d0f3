"""Demo lessons for `manage.py load_demo`: short clips generated locally, nothing downloaded.

The clips are made with the ffmpeg binary that the imageio-ffmpeg wheel carries (a test pattern with a title,
H.264 in mp4, 640×360, 10 frames/s), written to MEDIA_ROOT/lessons/. The documentary 《生命重于泰山》 of every plan
of DEMO-DONGYING-2024 gets one lesson, and each other online course one more.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings

from training.demo.organisations import DEMO_PROJECT_CODE
from training.models import Lesson, Modality, TrainingProject

DOCUMENTARY_LESSON = ("生命重于泰山（演示片段）", 45, "Life Above All - demo clip")
OTHER_LESSON = ("第一讲（演示片段）", 30, "Lesson 1 - demo clip")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_clip(path: Path, *, seconds: int, title: str) -> Path:
    """Write an H.264 mp4 test clip with `title` (ASCII) drawn on it; returns the path."""
    import imageio_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    video = f"testsrc2=size=640x360:rate=10:duration={seconds}"
    if FONT.exists():  # the title needs a font; without one the clip is the bare test pattern
        video += (
            f",drawtext=fontfile={FONT}:text='{title}':fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6"
            f":x=(w-text_w)/2:y=h-60"
        )
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        video,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "32",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        str(path),
    ]
    subprocess.run(command, check=True, timeout=120)
    return path


def _clip(name: str, seconds: int, title: str) -> str:
    """The clip's name relative to MEDIA_ROOT, generated once."""
    relative = f"lessons/{name}"
    target = Path(settings.MEDIA_ROOT) / relative
    if not target.exists():
        make_clip(target, seconds=seconds, title=title)
    return relative


def load(log=print) -> None:
    project = TrainingProject.objects.filter(code=DEMO_PROJECT_CODE).first()
    if project is None:
        log("   未找到演示项目，跳过视频课时")
        return
    log(f"   视频课时 {demo_lessons(project)} 个（演示片段，本地生成）")


def demo_lessons(project) -> int:
    """One demo clip as the lesson of every online course of the project's plans that has none (also used by the
    oversight demo's earlier cohorts, so their online hours are backed by watched lessons); returns how many."""
    made = 0
    for plan in project.plans.all():
        for course in plan.courses.filter(modality=Modality.ONLINE):
            title, seconds, english = DOCUMENTARY_LESSON if course.is_documentary else OTHER_LESSON
            if course.lessons.exists():
                continue
            name = "demo-documentary.mp4" if course.is_documentary else "demo-lesson.mp4"
            lesson = Lesson(course=course, title=title, duration_seconds=seconds, order=1)
            lesson.video.name = _clip(name, seconds, english)  # one file shared by the demo courses
            lesson.full_clean()
            lesson.save()
            made += 1
    return made
