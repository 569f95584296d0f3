"""Run inside the e2e server's database (a subprocess with its DATABASE_URL): builds the data and reports it.

python tests/e2e/seed.py seed            → prints {"username", "password", "lessons": [id, id]}
python tests/e2e/seed.py report ID...    → prints what was credited and flagged per lesson
python tests/e2e/seed.py demo PHOTO      → the demo (load_demo, demo_accounts); its first trainee consented and
                                           enrolled PHOTO; prints the accounts and that trainee's lessons
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()


def seed() -> dict:
    from django.conf import settings

    from proctoring.demo import make_clip
    from tests.proctoring.study_support import PASSWORD
    from tests.training import builders
    from training.models import Lesson, Modality
    from training.services.people import trainee_account_create

    proj = builders.project()
    plan = builders.plan(proj)
    lessons = []
    for n, course in enumerate(plan.courses.filter(modality=Modality.ONLINE).order_by("order", "pk"), start=1):
        clip = make_clip(Path(settings.MEDIA_ROOT) / "lessons" / f"e2e-{n}.mp4", seconds=40, title=f"E2E lesson {n}")
        lesson = Lesson(course=course, title=f"端到端测试课时{n}", duration_seconds=40, order=1)
        lesson.video.name = str(clip.relative_to(settings.MEDIA_ROOT))
        lesson.full_clean()
        lesson.save()
        lessons.append(lesson.pk)
    enrollment = builders.enrol(proj)
    user = trainee_account_create(trainee=enrollment.trainee, password=PASSWORD)
    return {"username": user.username, "password": PASSWORD, "lessons": lessons}


def report(lesson_ids) -> dict:
    from proctoring.models import Flag, Snapshot, StudySession
    from training.models import CreditedHours, LessonProgress

    out = {}
    for lesson_id in lesson_ids:
        sessions = list(StudySession.objects.filter(lesson_id=lesson_id))
        prefixes = [s.credit_source_prefix for s in sessions]
        seconds = [
            h.seconds
            for h in CreditedHours.objects.filter(voided_at__isnull=True)
            if any(h.source.startswith(p) for p in prefixes)
        ]
        progress = LessonProgress.objects.filter(lesson_id=lesson_id).first()
        out[str(lesson_id)] = {
            "credited_seconds": sum(s.credited_seconds for s in sessions),
            "seconds": seconds,
            "watched_seconds": progress.watched_seconds if progress else 0,
            "verdicts": list(
                Snapshot.objects.filter(session__in=sessions)
                .exclude(verdict="")
                .order_by("pk")
                .values_list("verdict", flat=True)
            ),
            "flags": list(Flag.objects.filter(session__in=sessions).values_list("kind", "verdict")),
        }
    return out


def demo(photo: str) -> dict:
    from io import StringIO

    from django.core.management import call_command

    from proctoring.services.consent import consent_give
    from proctoring.services.enrolment import face_enrol
    from training.management.commands.demo_accounts import STAFF_ACCOUNTS, TRAINEE_PASSWORD
    from training.models import User
    from training.selectors.lessons import lesson_rows

    call_command("load_demo", verbosity=0, stdout=StringIO())
    call_command("demo_accounts", stdout=StringIO())
    user = User.objects.filter(trainee__isnull=False).order_by("username").first()
    consent_give(trainee=user.trainee)
    face_enrol(trainee=user.trainee, image_bytes=Path(photo).read_bytes())
    return {
        "trainee": {"username": user.username, "password": TRAINEE_PASSWORD},
        "staff": {username: password for _role, username, password, _kind, _key in STAFF_ACCOUNTS},
        "lessons": [row.lesson.pk for row in lesson_rows(user.trainee)],
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        result = seed()
    elif command == "demo":
        result = demo(sys.argv[2])
    else:
        result = report([int(x) for x in sys.argv[2:]])
    print("E2E-JSON " + json.dumps(result, ensure_ascii=False))
