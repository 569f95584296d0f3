"""Run inside the e2e server's database (a subprocess with its DATABASE_URL) for tests/e2e/test_exam_e2e.py.

python tests/exams/e2e_seed.py seed PHOTO SECONDS → {"username", "password", "sitting"}: a complete trainee who
    consented and enrolled PHOTO, a bank, a blueprint, an online sitting closing in SECONDS
python tests/exams/e2e_seed.py answers ATTEMPT     → {item id: the right answer in the letters shown}
python tests/exams/e2e_seed.py report ATTEMPT      → status, reason, score, passed, submitted_at vs deadline
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

PASSWORD = "Exam-pass-2024"


def seed(photo: str, seconds: str) -> dict:
    from django.utils import timezone

    from exams.models import Question, SittingMode
    from proctoring.services.consent import consent_give
    from proctoring.services.enrolment import face_enrol
    from tests.exams import support
    from training.services.people import trainee_account_create

    course = support.Course()
    if not Question.objects.exists():
        support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project, mode=SittingMode.ONLINE)
    sitting.closes_at = timezone.now() + datetime.timedelta(seconds=int(seconds))
    sitting.save(update_fields=["closes_at"])
    enrollment = course.enrol()
    consent_give(trainee=enrollment.trainee)
    face_enrol(trainee=enrollment.trainee, image_bytes=Path(photo).read_bytes())
    user = trainee_account_create(trainee=enrollment.trainee, password=PASSWORD)
    return {"username": user.username, "password": PASSWORD, "sitting": sitting.pk}


def answers(attempt_id: str) -> dict:
    from exams.models import PaperItem
    from exams.services.papers import shown_answer

    return {
        str(i.pk): shown_answer(i) for i in PaperItem.objects.filter(attempt_id=attempt_id).select_related("version")
    }


def report(attempt_id: str) -> dict:
    from exams.models import Attempt, Certificate
    from exams.services.evidence import evidence_verify

    a = Attempt.objects.get(pk=attempt_id)
    return {
        "status": a.status,
        "reason": a.submit_reason,
        "score": a.score,
        "passed": a.passed,
        "on_time": a.submitted_at == a.deadline if a.submitted_at else None,
        "answers": a.answers.count(),
        "evidence": evidence_verify(a),
        "certificate": Certificate.objects.filter(attempt=a).values_list("serial", flat=True).first(),
        "events": list(a.events.order_by("seq").values_list("kind", flat=True)),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"seed": seed, "answers": answers, "report": report}[command](*args)
    print("E2E-JSON " + json.dumps(result, ensure_ascii=False))
